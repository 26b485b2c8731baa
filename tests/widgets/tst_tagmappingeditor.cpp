// SPDX-License-Identifier: GPL-3.0-or-later
// The related-tags editor: pairs shown by display name, suggestions by name
// between two vocabularies, saving to the mapping file, and an unreadable
// file reported and kept; the vocabulary editor shows display names too.
#include "widgets/vocabulary/tagmappingeditor.h"
#include "widgets/vocabulary/vocabularymodel.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTableWidget>
#include <QtTest>

using namespace taglane;

class tst_TagMappingEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void relatesSuggestsAndSaves()
    {
        const QString path = tests::tempDir(QStringLiteral("tagmappingeditor")) + QStringLiteral("/tag-mapping.tsv");
        widgets::TagMappingEditor editor(path);
        QVERIFY(editor.message().isEmpty());   // no file yet: an empty mapping
        editor.setKnownTags({QStringLiteral("strings"), QStringLiteral("piano"), QStringLiteral("techno")},
                            {QStringLiteral("Instrument_-_Strings"), QStringLiteral("Instrument_-_Piano")});
        QCOMPARE(editor.addSuggestions(), 2);
        QCOMPARE(editor.table()->rowCount(), 2);
        QCOMPARE(editor.table()->item(0, 1)->text(), QStringLiteral("Strings (Instrument_-_Strings)"));
        QVERIFY(!editor.addPair(QStringLiteral("piano"), QStringLiteral("Instrument_-_Piano")));   // there already
        QVERIFY(editor.addPair(QStringLiteral("techno"), QStringLiteral("Genre-Electronica")));
        editor.table()->selectRow(1);
        editor.removeSelected();
        QCOMPARE(editor.mapping().size(), 2);
        QVERIFY(editor.save());
        const auto back = engine::TagMapping::load(path);
        QVERIFY(back.ok());
        QCOMPARE(back->pairs(), editor.mapping().pairs());

        widgets::TagMappingEditor again(path);
        QCOMPARE(again.table()->rowCount(), 2);
    }

    void unreadableFileIsReportedAndKept()
    {
        const QString dir = tests::tempDir(QStringLiteral("tagmappingeditor-bad"));
        const QString path = dir + QStringLiteral("/tag-mapping.tsv");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("only-one-column\n");
        f.close();
        widgets::TagMappingEditor editor(path);
        QVERIFY2(editor.message().contains(QStringLiteral("tag-mapping.tsv")), qPrintable(editor.message()));
        QVERIFY(editor.addPair(QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings")));
        QVERIFY(editor.save());
        const QStringList kept = QDir(dir).entryList({QStringLiteral("tag-mapping.tsv.unreadable-*")});
        QCOMPARE(kept.size(), 1);
        QFile old(dir + QLatin1Char('/') + kept.front());
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("only-one-column\n"));
    }

    void vocabularyEditorShowsDisplayNames()
    {
        widgets::VocabularyModel model;
        model.setVocabulary(engine::Vocabulary::fromNames({QStringLiteral("Instrument_-_Strings"), QStringLiteral("piano")}));
        const QModelIndex strings = model.index(0, widgets::VocabularyModel::NameColumn);
        QCOMPARE(strings.data(Qt::DisplayRole).toString(), QStringLiteral("Strings (Instrument_-_Strings)"));
        QCOMPARE(strings.data(Qt::EditRole).toString(), QStringLiteral("Instrument_-_Strings"));
        QCOMPARE(model.index(1, widgets::VocabularyModel::NameColumn).data().toString(), QStringLiteral("piano"));
    }
};

QTEST_MAIN(tst_TagMappingEditor)
#include "tst_tagmappingeditor.moc"
