// SPDX-License-Identifier: GPL-3.0-or-later
// Vocabulary editor: add, rename, recategorise, remove, import a CAL500-style
// list, the tags without model output, and applying to the view and store.
#include "widgets/lane/taglanemodel.h"
#include "widgets/track/trackview.h"
#include "widgets/vocabulary/vocabularyeditor.h"
#include "widgets/vocabulary/vocabularymodel.h"

#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QFile>
#include <QSignalSpy>
#include <QtTest>

using namespace taglane;

class tst_VocabularyEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelOperations()
    {
        widgets::VocabularyModel model;
        model.setVocabulary(engine::Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("piano")}));
        QCOMPARE(model.rowCount(), 2);

        QVERIFY(model.addTag(QStringLiteral("Emotion-Happy")).isEmpty());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.vocabulary().at(2).category, QStringLiteral("Emotion"));   // read from the prefix
        QVERIFY(model.addTag(QStringLiteral("Mood"), QStringLiteral("Feel")).isEmpty());
        QCOMPARE(model.vocabulary().at(3).category, QStringLiteral("Feel"));
        QVERIFY(!model.addTag(QStringLiteral("guitar")).isEmpty());   // duplicate
        QVERIFY(!model.addTag(QStringLiteral("   ")).isEmpty());      // empty
        QCOMPARE(model.rowCount(), 4);

        QVERIFY(model.renameTag(0, QStringLiteral("electric guitar")).isEmpty());
        QCOMPARE(model.vocabulary().at(0).name, QStringLiteral("electric guitar"));
        QVERIFY(!model.renameTag(1, QStringLiteral("electric guitar")).isEmpty());
        QCOMPARE(model.vocabulary().at(1).name, QStringLiteral("piano"));

        // Through the table (as the editor's cells do); a refused edit is reported.
        QSignalSpy refused(&model, &widgets::VocabularyModel::editRefused);
        QVERIFY(model.setData(model.index(1, widgets::VocabularyModel::CategoryColumn), QStringLiteral("Instrument")));
        QCOMPARE(model.vocabulary().at(1).category, QStringLiteral("Instrument"));
        QVERIFY(!model.setData(model.index(1, widgets::VocabularyModel::NameColumn), QStringLiteral("Mood")));
        QCOMPARE(refused.count(), 1);
        QVERIFY(!(model.flags(model.index(0, widgets::VocabularyModel::ModelColumn)) & Qt::ItemIsEditable));

        QVERIFY(model.removeTag(3).isEmpty());
        QCOMPARE(model.vocabulary().names(),
                 (QStringList{QStringLiteral("electric guitar"), QStringLiteral("piano"), QStringLiteral("Emotion-Happy")}));
        QVERIFY(!model.removeTag(7).isEmpty());

        // Which tags have no model output.
        model.setModelTags({QStringLiteral("piano"), QStringLiteral("drums")});
        QCOMPARE(model.tagsWithoutModelOutput(), (QStringList{QStringLiteral("electric guitar"), QStringLiteral("Emotion-Happy")}));
        QCOMPARE(model.index(1, widgets::VocabularyModel::ModelColumn).data(Qt::EditRole).toBool(), true);
        QCOMPARE(model.index(0, widgets::VocabularyModel::ModelColumn).data(Qt::EditRole).toBool(), false);
    }

    void importList()
    {
        const QString dir = tests::tempDir(QStringLiteral("vocabulary-import"));
        QFile f(dir + QStringLiteral("/cal500.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("# CAL500-style list\nGenre--_Rock\nInstrument_-_Piano\nEmotion-Happy\nMy tag\tCustom\npiano\n");
        f.close();
        widgets::VocabularyModel model;
        model.setVocabulary(engine::Vocabulary::fromNames({QStringLiteral("piano")}));
        QString error;
        QCOMPARE(model.importFile(f.fileName(), false, &error), 4);   // "piano" is there already
        QCOMPARE(model.rowCount(), 5);
        const engine::Vocabulary v = model.vocabulary();
        QCOMPARE(v.at(v.indexOf(QStringLiteral("My tag"))).category, QStringLiteral("Custom"));
        QCOMPARE(v.at(v.indexOf(QStringLiteral("Instrument_-_Piano"))).category, engine::Vocabulary::categoryOf(QStringLiteral("Instrument_-_Piano")));
        QCOMPARE(model.importFile(f.fileName(), true, &error), 5);   // replace
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.vocabulary().at(0).name, QStringLiteral("Genre--_Rock"));
        QCOMPARE(model.importFile(dir + QStringLiteral("/missing.txt"), false, &error), -1);
        QVERIFY2(error.contains(QStringLiteral("missing.txt")), qPrintable(error));
        QCOMPARE(model.rowCount(), 5);
    }

    void applyToViewAndStore()
    {
        const QString dir = tests::tempDir(QStringLiteral("vocabulary-apply"));
        engine::AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.sqlite")).ok());
        widgets::TrackView view;
        view.setVocabulary(engine::Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("piano")}));
        widgets::VocabularyEditor editor(&view, &store);
        QCOMPARE(editor.model()->rowCount(), 2);   // starts from the view's
        editor.setModelTags({QStringLiteral("guitar")});
        QVERIFY2(editor.modelNote().contains(QStringLiteral("piano")), qPrintable(editor.modelNote()));
        QVERIFY(editor.model()->addTag(QStringLiteral("Emotion-Calm")).isEmpty());
        QVERIFY(editor.modelNote().contains(QStringLiteral("Emotion-Calm")));
        QVERIFY(editor.model()->removeTag(0).isEmpty());

        QSignalSpy applied(&editor, &widgets::VocabularyEditor::applied);
        QVERIFY(editor.apply());
        QCOMPARE(applied.count(), 1);
        const QStringList expected{QStringLiteral("piano"), QStringLiteral("Emotion-Calm")};
        QCOMPARE(view.tagLaneModel()->vocabulary().names(), expected);
        QCOMPARE(store.vocabulary().names(), expected);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        // An empty vocabulary is not applied.
        editor.model()->removeTag(0);
        editor.model()->removeTag(0);
        QVERIFY(!editor.apply());
        QVERIFY(!editor.lastMessage().isEmpty());
        QCOMPARE(store.vocabulary().names(), expected);
    }
};

QTEST_MAIN(tst_VocabularyEditor)
#include "tst_vocabularyeditor.moc"
