// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli speaks the user's language: under a zh_CN locale its help and
// its messages come from translations/taglane_zh_CN.ts, including those of
// file-local tr() helpers, which lupdate files under the namespace
// ("taglane::app") while the program asks for its own context ("cli").
#include "testsupport.h"
#include "tstranslation.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runIn(const QString &locale, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LANG"), locale);
    env.insert(QStringLiteral("LC_ALL"), locale);
    env.insert(QStringLiteral("LANGUAGE"), locale.section(QLatin1Char('.'), 0, 0));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(TAGLANE_CLI_PATH), args);
    Run r;
    if (!p.waitForFinished(60000))
        return r;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class tst_CliTranslation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpOfACommandIsTranslated();
    void helperMessagesAreTranslated();
};

void tst_CliTranslation::helpOfACommandIsTranslated()
{
    const QString english = QStringLiteral("write ROC and PR plots (PNG) into this folder");
    const QString chinese = taglane::tests::tsTranslation(QStringLiteral("taglane::app"), english);
    QVERIFY2(!chinese.isEmpty(), "the .ts has no translation of the evaluate command's --plots help");
    const Run zh = runIn(QStringLiteral("zh_CN.UTF-8"), {QStringLiteral("evaluate"), QStringLiteral("--help")});
    QCOMPARE(zh.exitCode, 0);
    QVERIFY2(zh.out.contains(chinese), qPrintable(zh.out));
    QVERIFY(!zh.out.contains(english));
    const Run en = runIn(QStringLiteral("C.UTF-8"), {QStringLiteral("evaluate"), QStringLiteral("--help")});
    QVERIFY2(en.out.contains(english), qPrintable(en.out));
}

void tst_CliTranslation::helperMessagesAreTranslated()
{
    // A usage error built by the tag command's file-local tr().
    const QString english = QStringLiteral("--shard divides a library: it needs --store.");
    const QString chinese = taglane::tests::tsTranslation(QStringLiteral("taglane::app"), english);
    QVERIFY2(!chinese.isEmpty(), "the .ts has no translation of the --shard usage error");
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-translation"));
    const Run zh = runIn(QStringLiteral("zh_CN.UTF-8"), {QStringLiteral("tag"), QStringLiteral("--model"),
                                                       QStringLiteral("instruments"), QStringLiteral("--shard"),
                                                       QStringLiteral("1/2"), dir});
    QCOMPARE(zh.exitCode, 2);
    QVERIFY2(zh.err.contains(chinese), qPrintable(zh.err));
}

QTEST_GUILESS_MAIN(tst_CliTranslation)
#include "tst_cli_translation.moc"
