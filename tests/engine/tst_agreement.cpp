// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/agreement.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace taglane::engine;

namespace {

// A reference value (null = undefined) against what Taglane computed.
bool sameValue(const QJsonValue &expected, double actual)
{
    if (expected.isNull())
        return std::isnan(actual);
    return std::abs(expected.toDouble() - actual) <= 1e-9;
}

QString describe(const QJsonValue &expected, double actual)
{
    return QStringLiteral("expected %1, got %2")
        .arg(expected.isNull() ? QStringLiteral("undefined") : QString::number(expected.toDouble(), 'g', 12))
        .arg(actual, 0, 'g', 12);
}

} // namespace

class TestAgreement : public QObject
{
    Q_OBJECT

private slots:
    void matchesScikitLearnAndStatsmodels_data();
    void matchesScikitLearnAndStatsmodels();
    void perfectAndOppositeRaters();
    void ratersWithoutCommonItems();
    void refusesMalformedInput();
};

void TestAgreement::matchesScikitLearnAndStatsmodels_data()
{
    QTest::addColumn<int>("set");
    for (int i = 0; i < 3; ++i)
        QTest::newRow(QByteArray::number(i).constData()) << i;
}

// Reference figures: tests/data/agreement/make_expected.py (scikit-learn's
// cohen_kappa_score, statsmodels' fleiss_kappa).
void TestAgreement::matchesScikitLearnAndStatsmodels()
{
    QFETCH(int, set);
    QFile file(QStringLiteral(TAGLANE_SOURCE_DIR "/tests/data/agreement/agreement_reference.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray sets = QJsonDocument::fromJson(file.readAll()).object().value("sets").toArray();
    QCOMPARE(sets.size(), 3);
    const QJsonObject s = sets.at(set).toObject();

    AgreementInput input;
    input.categories = s.value("categories").toInt();
    input.items = s.value("items").toInt();
    const int raters = s.value("raters").toInt();
    for (int r = 0; r < raters; ++r)
        input.raters << QStringLiteral("curator%1").arg(r);
    const QJsonArray tags = s.value("ratings").toArray();
    for (int t = 0; t < tags.size(); ++t) {
        input.tags << QStringLiteral("tag%1").arg(t);
        std::vector<qint8> table;
        for (const QJsonValue &item : tags.at(t).toArray())
            for (const QJsonValue &rating : item.toArray())
                table.push_back(qint8(rating.toInt()));
        input.ratings.push_back(std::move(table));
    }

    const Result<QVector<TagAgreement>> result = Agreement::compute(input);
    QVERIFY2(result.ok(), qPrintable(result.error()));
    const QJsonArray expected = s.value("expected").toArray();
    QCOMPARE(result->size(), expected.size());
    int defined = 0;
    for (int t = 0; t < expected.size(); ++t) {
        const QJsonObject e = expected.at(t).toObject();
        const TagAgreement &got = result->at(t);
        QVERIFY2(sameValue(e.value("fleiss"), got.fleissKappa), qPrintable(describe(e.value("fleiss"), got.fleissKappa)));
        QCOMPARE(got.fleissItems, e.value("fleissItems").toInt());
        QVERIFY2(sameValue(e.value("raw"), got.raw), qPrintable(describe(e.value("raw"), got.raw)));
        const QJsonArray pairs = e.value("pairs").toArray();
        QCOMPARE(got.pairs.size(), pairs.size());
        for (int p = 0; p < pairs.size(); ++p) {
            const QJsonObject ep = pairs.at(p).toObject();
            const PairAgreement &gp = got.pairs.at(p);
            QCOMPARE(gp.raterA, ep.value("a").toInt());
            QCOMPARE(gp.raterB, ep.value("b").toInt());
            QCOMPARE(gp.items, ep.value("items").toInt());
            QVERIFY2(sameValue(ep.value("raw"), gp.raw), qPrintable(describe(ep.value("raw"), gp.raw)));
            QVERIFY2(sameValue(ep.value("kappa"), gp.cohensKappa),
                     qPrintable(QStringLiteral("tag %1 pair %2: ").arg(t).arg(p) + describe(ep.value("kappa"), gp.cohensKappa)));
            defined += ep.value("kappa").isNull() ? 0 : 1;
        }
    }
    QVERIFY(defined > 0);   // the set is not all undefined values
}

void TestAgreement::perfectAndOppositeRaters()
{
    AgreementInput input;
    input.raters = {QStringLiteral("anna"), QStringLiteral("ben")};
    input.tags = {QStringLiteral("same"), QStringLiteral("opposite")};
    input.items = 6;
    std::vector<qint8> same, opposite;
    for (int i = 0; i < 6; ++i) {
        const qint8 v = qint8(i % 2);
        same.insert(same.end(), {v, v});
        opposite.insert(opposite.end(), {v, qint8(1 - v)});
    }
    input.ratings = {same, opposite};
    const auto result = Agreement::compute(input);
    QVERIFY(result.ok());
    QCOMPARE(result->at(0).pairs.at(0).cohensKappa, 1.0);
    QCOMPARE(result->at(0).raw, 1.0);
    QCOMPARE(result->at(0).fleissKappa, 1.0);
    // Balanced classes, always opposite: observed 0, chance 0.5.
    QCOMPARE(result->at(1).pairs.at(0).cohensKappa, -1.0);
    QCOMPARE(result->at(1).raw, 0.0);
}

void TestAgreement::ratersWithoutCommonItems()
{
    AgreementInput input;
    input.raters = {QStringLiteral("anna"), QStringLiteral("ben"), QStringLiteral("cleo")};
    input.tags = {QStringLiteral("piano")};
    input.items = 4;
    // anna and ben never judge the same cell; cleo judges all.
    input.ratings = {{1, -1, 1, 0, -1, 0, -1, 1, 1, -1, 0, 0}};
    const auto result = Agreement::compute(input);
    QVERIFY(result.ok());
    const TagAgreement &tag = result->at(0);
    QCOMPARE(tag.pairs.at(0).items, 0);
    QVERIFY(std::isnan(tag.pairs.at(0).cohensKappa));
    QVERIFY(std::isnan(tag.pairs.at(0).raw));
    QCOMPARE(tag.pairs.at(1).items, 2);       // anna and cleo: items 0 and 2
    QCOMPARE(tag.fleissItems, 0);
    QVERIFY(std::isnan(tag.fleissKappa));
    QVERIFY(!std::isnan(tag.raw));
}

void TestAgreement::refusesMalformedInput()
{
    AgreementInput input;
    input.raters = {QStringLiteral("anna"), QStringLiteral("ben")};
    input.tags = {QStringLiteral("piano")};
    input.items = 2;
    input.ratings = {{1, 0, 1}};
    auto result = Agreement::compute(input);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(QStringLiteral("piano")), qPrintable(result.error()));

    input.ratings = {{1, 0, 2, 1}};
    result = Agreement::compute(input);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(QStringLiteral("rating 2")), qPrintable(result.error()));

    input.ratings = {};
    QVERIFY(!Agreement::compute(input).ok());
}

QTEST_GUILESS_MAIN(TestAgreement)
#include "tst_agreement.moc"
