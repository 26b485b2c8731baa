// SPDX-License-Identifier: GPL-3.0-or-later
// TagQuery: the search grammar, its precedence and its error positions.
#include "engine/library/tagquery.h"

#include <QtTest>

using namespace taglane::engine;

class tst_TagQuery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAndWritesBack_data();
    void parsesAndWritesBack();
    void atomsCarryTheirParts();
    void errorsNameThePosition_data();
    void errorsNameThePosition();
};

void tst_TagQuery::parsesAndWritesBack_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("written");
    QTest::newRow("probability") << "strings >= 0.8" << "strings >= 0.8";
    QTest::newRow("no spaces") << "strings>=0.8" << "strings >= 0.8";
    QTest::newRow("and binds tighter than or") << "a > 0.1 or b > 0.2 and c < 0.3" << "(a > 0.1 or (b > 0.2 and c < 0.3))";
    QTest::newRow("parentheses") << "(a > 0.1 or b > 0.2) and c < 0.3" << "((a > 0.1 or b > 0.2) and c < 0.3)";
    QTest::newRow("not") << "not curated" << "not curated";
    QTest::newRow("not binds to one atom") << "not a curated and b = 1" << "(not a curated and b = 1)";
    QTest::newRow("curated present") << "curated present" << "curated present";
    QTest::newRow("tag curated absent") << "Emotion-Calming_/_Soothing curated absent" << "Emotion-Calming_/_Soothing curated absent";
    QTest::newRow("curator") << "curator = anna" << "curator = anna";
    QTest::newRow("tag curator, keywords in any case") << "piano CURATOR = anna AND NOT piano Curated"
                                                       << "(piano curator = anna and not piano curated)";
    QTest::newRow("quoted tag") << "\"Instrument - Piano\" != 0.5" << "\"Instrument - Piano\" != 0.5";
    QTest::newRow("quoted keyword tag") << "\"curated\" < 0.25" << "\"curated\" < 0.25";
    QTest::newRow("escaped quote") << "\"say \\\"hi\\\"\" <= 1" << "\"say \\\"hi\\\"\" <= 1";
    QTest::newRow("three in a row") << "a > 0 and b > 0 and c > 0" << "(a > 0 and b > 0 and c > 0)";
}

void tst_TagQuery::parsesAndWritesBack()
{
    QFETCH(QString, text);
    QFETCH(QString, written);
    const auto query = TagQuery::parse(text);
    QVERIFY2(query, qPrintable(query.error()));
    QCOMPARE(query->toString(), written);
    // What is written back parses to the same query.
    const auto again = TagQuery::parse(query->toString());
    QVERIFY2(again, qPrintable(again.error()));
    QCOMPARE(again->toString(), written);
}

void tst_TagQuery::atomsCarryTheirParts()
{
    const auto query = TagQuery::parse(QStringLiteral("strings >= 0.8 or  vocals curated present or curator = \"Anna B\""));
    QVERIFY(query);
    const TagQueryNode &root = query->root();
    QCOMPARE(root.kind, TagQueryNode::Kind::Or);
    QCOMPARE(int(root.children.size()), 3);
    const TagQueryNode &p = root.children.at(0);
    QCOMPARE(p.kind, TagQueryNode::Kind::Probability);
    QCOMPARE(p.tag, QStringLiteral("strings"));
    QCOMPARE(p.compare, TagQueryNode::Compare::GreaterOrEqual);
    QCOMPARE(p.value, 0.8);
    QCOMPARE(p.position, 0);
    const TagQueryNode &c = root.children.at(1);
    QCOMPARE(c.kind, TagQueryNode::Kind::Curated);
    QCOMPARE(c.tag, QStringLiteral("vocals"));
    QVERIFY(c.verdict && *c.verdict == Verdict::Present);
    QCOMPARE(c.position, 19);
    const TagQueryNode &n = root.children.at(2);
    QCOMPARE(n.kind, TagQueryNode::Kind::Curator);
    QVERIFY(n.tag.isEmpty());
    QCOMPARE(n.curator, QStringLiteral("Anna B"));
}

void tst_TagQuery::errorsNameThePosition_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("says");
    QTest::newRow("empty") << "   " << 0 << "empty";
    QTest::newRow("no number") << "strings >= high" << 11 << "expected a number after '>='";
    QTest::newRow("no comparison") << "strings 0.8" << 8 << "expected a comparison";
    QTest::newRow("dangling and") << "strings > 0.5 and" << 17 << "expected a tag";
    QTest::newRow("unclosed parenthesis") << "(a > 0.1 or b > 0.2" << 19 << "expected ')'";
    QTest::newRow("extra parenthesis") << "a > 0.1)" << 7 << "expected 'and', 'or'";
    QTest::newRow("unclosed quote") << "\"piano > 0.1" << 0 << "not closed";
    QTest::newRow("lone bang") << "a ! 0.1" << 2 << "'!'";
    QTest::newRow("curator without =") << "curator anna" << 8 << "expected '='";
    QTest::newRow("curator without name") << "curator = " << 10 << "curator's name";
    QTest::newRow("two atoms") << "a > 0.1 b > 0.2" << 8 << "expected 'and', 'or'";
    QTest::newRow("not a number") << "a > nan" << 4 << "expected a number";
}

void tst_TagQuery::errorsNameThePosition()
{
    QFETCH(QString, text);
    QFETCH(int, position);
    QFETCH(QString, says);
    int at = -1;
    const auto query = TagQuery::parse(text, &at);
    QVERIFY(!query);
    QCOMPARE(at, position);
    QVERIFY2(query.error().contains(says), qPrintable(query.error()));
    QVERIFY2(query.error().contains(QStringLiteral("position %1").arg(position + 1)), qPrintable(query.error()));
}

QTEST_GUILESS_MAIN(tst_TagQuery)
#include "tst_tagquery.moc"
