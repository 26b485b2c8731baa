// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/verdictrule.h"

#include <QCoreApplication>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("VerdictRule", text);
}

const QString kLeadPrefix = QStringLiteral("lead:");

} // namespace

Result<VerdictRule> VerdictRule::parse(const QString &text)
{
    const QString t = text.trimmed();
    if (t.compare(QLatin1String("majority"), Qt::CaseInsensitive) == 0)
        return VerdictRule{Kind::Majority, {}};
    if (t.compare(QLatin1String("unresolved"), Qt::CaseInsensitive) == 0)
        return VerdictRule{Kind::Unresolved, {}};
    if (t.startsWith(kLeadPrefix, Qt::CaseInsensitive)) {
        const QString lead = t.mid(kLeadPrefix.size()).trimmed();
        if (const Status s = checkCuratorName(lead); !s)
            return Result<VerdictRule>::failure(tr("The rule \"%1\" names no valid lead curator: %2").arg(text, s.error()));
        return VerdictRule{Kind::Lead, lead};
    }
    return Result<VerdictRule>::failure(
        tr("Unknown verdict rule \"%1\": give majority, unresolved or lead:NAME.").arg(text));
}

QString VerdictRule::kindName() const
{
    switch (kind) {
    case Kind::Lead: return QStringLiteral("lead");
    case Kind::Unresolved: return QStringLiteral("unresolved");
    case Kind::Majority: break;
    }
    return QStringLiteral("majority");
}

QString VerdictRule::toString() const
{
    return kind == Kind::Lead ? kLeadPrefix + lead : kindName();
}

Result<VerdictRule> VerdictRule::fromStored(const QString &kind, const QString &lead)
{
    if (kind == QLatin1String("lead"))
        return parse(kLeadPrefix + lead);
    return parse(kind);
}

bool VerdictRule::disagree(const QVector<CuratorVerdict> &votes)
{
    bool present = false, absent = false;
    for (const CuratorVerdict &v : votes) {
        present = present || v.verdict == Verdict::Present;
        absent = absent || v.verdict == Verdict::Absent;
    }
    return present && absent;
}

Verdict VerdictRule::resolve(const QVector<CuratorVerdict> &votes, bool *unresolved) const
{
    if (unresolved)
        *unresolved = false;
    int present = 0, absent = 0;
    Verdict leads = Verdict::Unknown;
    for (const CuratorVerdict &v : votes) {
        if (v.verdict == Verdict::Present)
            ++present;
        else if (v.verdict == Verdict::Absent)
            ++absent;
        else
            continue;
        if (kind == Kind::Lead && v.curator == lead)
            leads = v.verdict;
    }
    if (present + absent == 0)
        return Verdict::Unknown;   // nobody judged it: unknown, not a conflict
    if (kind == Kind::Lead && leads != Verdict::Unknown)
        return leads;
    if (kind == Kind::Majority && present != absent)
        return present > absent ? Verdict::Present : Verdict::Absent;
    if (present == 0 || absent == 0)
        return present > 0 ? Verdict::Present : Verdict::Absent;
    if (unresolved)
        *unresolved = true;
    return Verdict::Unknown;
}

QString loginCurator()
{
    for (const char *name : {"USER", "LOGNAME", "USERNAME"}) {
        const QString value = QString::fromLocal8Bit(qgetenv(name)).trimmed();
        if (!value.isEmpty() && checkCuratorName(value))
            return value;
    }
    return QStringLiteral("unknown");
}

Status checkCuratorName(const QString &name)
{
    if (name.trimmed().isEmpty())
        return Status::failure(tr("A curator name must not be empty."));
    if (name.size() > 100)
        return Status::failure(tr("A curator name has at most 100 characters (this one has %1).").arg(name.size()));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return Status::failure(tr("A curator name must not hold control characters."));
    }
    if (name != name.trimmed())
        return Status::failure(tr("A curator name must not begin or end with a space."));
    return {};
}

} // namespace taglane::engine
