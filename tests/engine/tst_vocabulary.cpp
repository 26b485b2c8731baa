// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/vocabulary.h"

#include <QtTest>

using namespace taglane::engine;

class TestVocabulary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void categoriesFromCal500Names_data();
    void categoriesFromCal500Names();
    void parsesWithAndWithoutCategories();
    void rejectsBadLists();
    void bundledDefaultIsComplete();
    void textRoundTrip();
};

void TestVocabulary::categoriesFromCal500Names_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("category");
    QTest::newRow("emotion") << "Emotion-Calming_/_Soothing" << "Emotion";
    QTest::newRow("instrument") << "Instrument_-_Piano" << "Instrument";
    QTest::newRow("solo") << "Instrument_-_Electric_Guitar_Solo" << "Instrument solo";
    QTest::newRow("genre double dash") << "Genre--_Cool_Jazz" << "Genre";
    QTest::newRow("vocals") << "Vocals-High-pitched" << "Vocals";
    QTest::newRow("song") << "Song-Fast_Tempo" << "Song characteristic";
    QTest::newRow("plain mtat tag") << "guitar" << "Other";
}

void TestVocabulary::categoriesFromCal500Names()
{
    QFETCH(QString, name);
    QFETCH(QString, category);
    QCOMPARE(Vocabulary::categoryOf(name), category);
}

void TestVocabulary::parsesWithAndWithoutCategories()
{
    auto v = Vocabulary::parse(QStringLiteral("# comment\nEmotion-Happy\nguitar\tInstrument\r\n\nVocals-Breathy\n"),
                               QStringLiteral("t.txt"));
    QVERIFY2(v.ok(), qPrintable(v.error()));
    QCOMPARE(v->size(), 3);
    QCOMPARE(v->at(1).category, QStringLiteral("Instrument"));
    QCOMPARE(v->categories(), (QStringList{"Emotion", "Instrument", "Vocals"}));
    QCOMPARE(v->indexOf(QStringLiteral("Vocals-Breathy")), 2);
    QCOMPARE(v->indexOf(QStringLiteral("nope")), -1);
}

void TestVocabulary::rejectsBadLists()
{
    auto dup = Vocabulary::parse(QStringLiteral("a\nb\na\n"), QStringLiteral("dup.txt"));
    QVERIFY(!dup.ok());
    QVERIFY2(dup.error().contains(QLatin1String("dup.txt, line 3")), qPrintable(dup.error()));
    auto comma = Vocabulary::parse(QStringLiteral("rock,pop\n"), QStringLiteral("c.txt"));
    QVERIFY(!comma.ok());
    auto empty = Vocabulary::parse(QStringLiteral("# nothing\n\n"), QStringLiteral("e.txt"));
    QVERIFY(!empty.ok());
    QVERIFY(!Vocabulary::load(QStringLiteral("/nonexistent/v.txt")).ok());
}

void TestVocabulary::bundledDefaultIsComplete()
{
    const Vocabulary v = Vocabulary::bundledDefault();
    QCOMPARE(v.size(), 67);   // the CAL500exp tag count
    const QStringList expected{"Emotion", "Genre", "Instrument", "Instrument solo", "Song characteristic", "Usage", "Vocals"};
    QCOMPARE(v.categories(), expected);
    // The file's category column agrees with what the names say.
    for (const Tag &t : v.tags())
        QCOMPARE(t.category, Vocabulary::categoryOf(t.name));
}

void TestVocabulary::textRoundTrip()
{
    const Vocabulary v = Vocabulary::bundledDefault();
    auto again = Vocabulary::parse(v.toText(), QStringLiteral("round"));
    QVERIFY(again.ok());
    QCOMPARE(again->names(), v.names());
    QCOMPARE(again->categories(), v.categories());
}

QTEST_GUILESS_MAIN(TestVocabulary)
#include "tst_vocabulary.moc"
