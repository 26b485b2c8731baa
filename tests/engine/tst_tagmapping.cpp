// SPDX-License-Identifier: GPL-3.0-or-later
// One display name per tag, and the user's table of related tags between
// vocabularies: editing, the file form, suggestions by name, and folding a
// related tag's verdicts into the model's tag for Retrain.
#include "engine/curation/tagmapping.h"
#include "engine/curation/tagnames.h"

#include "testsupport.h"

#include <QFile>
#include <QtTest>

#include <cmath>

using namespace taglane;
using engine::TagMapping;
using engine::TagNames;

class tst_TagMapping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void displayNames()
    {
        QCOMPARE(TagNames::displayName(QStringLiteral("Instrument_-_Strings")), QStringLiteral("Strings"));
        QCOMPARE(TagNames::displayName(QStringLiteral("Song-Fast_Tempo")), QStringLiteral("Fast Tempo"));
        QCOMPARE(TagNames::displayName(QStringLiteral("Genre-Best-Jazz")), QStringLiteral("Jazz (best)"));
        QCOMPARE(TagNames::displayName(QStringLiteral("Emotion-Calming_/_Soothing")), QStringLiteral("Calming / Soothing"));
        QCOMPARE(TagNames::displayName(QStringLiteral("strings")), QStringLiteral("strings"));
        QCOMPARE(TagNames::displayName(QStringLiteral("hard rock")), QStringLiteral("hard rock"));
        QCOMPARE(TagNames::withIdentifier(QStringLiteral("Instrument_-_Strings")), QStringLiteral("Strings (Instrument_-_Strings)"));
        QCOMPARE(TagNames::withIdentifier(QStringLiteral("piano")), QStringLiteral("piano"));
    }

    void pairsAreUnorderedAndUnique()
    {
        TagMapping m;
        QVERIFY(m.add(QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings")));
        QVERIFY(!m.add(QStringLiteral("Instrument_-_Strings"), QStringLiteral("strings")));
        QVERIFY(!m.add(QStringLiteral("piano"), QStringLiteral("piano")));
        QVERIFY(!m.add(QString(), QStringLiteral("piano")));
        QVERIFY(m.add(QStringLiteral("strings"), QStringLiteral("violin")));
        QCOMPARE(m.related(QStringLiteral("strings")), (QStringList{QStringLiteral("Instrument_-_Strings"), QStringLiteral("violin")}));
        QCOMPARE(m.related(QStringLiteral("Instrument_-_Strings")), QStringList{QStringLiteral("strings")});
        QVERIFY(m.remove(QStringLiteral("violin"), QStringLiteral("strings")));
        QVERIFY(!m.remove(QStringLiteral("violin"), QStringLiteral("strings")));
        QCOMPARE(m.size(), 1);
    }

    void fileRoundTripsAndBadLinesAreNamed()
    {
        TagMapping m;
        m.add(QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings"));
        m.add(QStringLiteral("male vocal"), QStringLiteral("Vocals-Male"));
        const QString path = tests::tempDir(QStringLiteral("tagmapping")) + QStringLiteral("/tag-mapping.tsv");
        QVERIFY(m.save(path).ok());
        const auto back = TagMapping::load(path);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->pairs(), m.pairs());
        QVERIFY(TagMapping::load(path + QStringLiteral(".absent"))->isEmpty());

        const auto bad = TagMapping::fromText("# ok\nstrings\tInstrument_-_Strings\njust one name\n", QStringLiteral("map.tsv"));
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("map.tsv")) && bad.error().contains(QStringLiteral("line 3")),
                 qPrintable(bad.error()));
        QVERIFY(!TagMapping::fromText("piano\tpiano\n", QStringLiteral("m")).ok());
    }

    void suggestionsMatchDisplayNames()
    {
        const QStringList musicnn{QStringLiteral("strings"), QStringLiteral("piano"), QStringLiteral("fast")};
        const QStringList ours{QStringLiteral("Instrument_-_Strings"), QStringLiteral("Instrument_-_Piano"),
                               QStringLiteral("Song-Fast_Tempo")};
        const auto pairs = TagMapping::suggestions(musicnn, ours);
        QCOMPARE(pairs.size(), 2);
        QCOMPARE(pairs[0], TagMapping::Pair(QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings")));
        QCOMPARE(pairs[1], TagMapping::Pair(QStringLiteral("piano"), QStringLiteral("Instrument_-_Piano")));
        TagMapping existing;
        existing.add(QStringLiteral("Instrument_-_Piano"), QStringLiteral("piano"));
        QCOMPARE(TagMapping::suggestions(musicnn, ours, existing).size(), 1);
    }

    void foldCountsRelatedVerdictsForTheModelsTag()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        engine::LabelledTrack t;
        t.stem = QStringLiteral("t");
        t.segments = engine::Segmentation::fixedWindows(30.0, 10.0);
        t.tags = engine::Vocabulary::fromNames({QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings"),
                                                QStringLiteral("other")});
        // segment 0: strings present, model tag unknown -> present
        // segment 1: strings present, model tag absent -> the model tag's own verdict stays
        // segment 2: strings unknown -> unknown
        t.values = {1.f, nan, 0.f, 1.f, 0.f, nan, nan, nan, 1.f};
        TagMapping m;
        m.add(QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings"));
        QStringList folded;
        const auto out = m.fold({t}, {QStringLiteral("Instrument_-_Strings"), QStringLiteral("Instrument_-_Piano")}, &folded);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].tags.names(), (QStringList{QStringLiteral("Instrument_-_Strings"), QStringLiteral("other")}));
        QCOMPARE(out[0].value(0, 0), 1.f);
        QCOMPARE(out[0].value(1, 0), 0.f);
        QVERIFY(std::isnan(out[0].value(2, 0)));
        QCOMPARE(out[0].value(0, 1), 0.f);
        QCOMPARE(out[0].value(2, 1), 1.f);
        QCOMPARE(folded, QStringList{QStringLiteral("strings -> Instrument_-_Strings")});

        // The model's tag absent from the track: it is added.
        engine::LabelledTrack only = t;
        only.tags = engine::Vocabulary::fromNames({QStringLiteral("strings")});
        only.values = {1.f, nan, 0.f};
        const auto added = m.fold({only}, {QStringLiteral("Instrument_-_Strings")});
        QCOMPARE(added[0].tags.names(), QStringList{QStringLiteral("Instrument_-_Strings")});
        QCOMPARE(added[0].value(0, 0), 1.f);
        QCOMPARE(added[0].value(2, 0), 0.f);
        // Nothing related: unchanged.
        QCOMPARE(TagMapping{}.fold({t}, {QStringLiteral("x")})[0].values.size(), t.values.size());
    }
};

QTEST_GUILESS_MAIN(tst_TagMapping)
#include "tst_tagmapping.moc"
