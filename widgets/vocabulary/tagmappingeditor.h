// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/curation/tagmapping.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QTableWidget;

namespace taglane::widgets {

/// The editor of the tag mapping: pairs of related tags from different
/// vocabularies (musicnn's `strings` and the default model's
/// `Instrument_-_Strings`), shown by display name with the identifier beside
/// it. Add a pair from two lists of known tags, remove the selected ones,
/// propose pairs whose display names agree, save to the mapping file.
/// GUI thread.
class TagMappingEditor : public QDialog
{
    Q_OBJECT
public:
    /// Edits the mapping stored in `path` (loaded now; a bad file is shown
    /// as a message and nothing is overwritten until Save).
    explicit TagMappingEditor(const QString &path, QWidget *parent = nullptr);

    /// The tags offered on each side (e.g. the store's vocabulary and the
    /// selected model's tags).
    void setKnownTags(const QStringList &left, const QStringList &right);
    const engine::TagMapping &mapping() const { return m_mapping; }
    QTableWidget *table() const { return m_table; }
    QString message() const;

    bool addPair(const QString &a, const QString &b);
    void removeSelected();
    /// Adds the suggestions between the two known lists; returns how many.
    int addSuggestions();
    /// Writes the mapping file; false with the message shown on failure.
    bool save();

    /// Default mapping file: DataFolder::path() + "/tag-mapping.tsv".
    static QString defaultPath();

Q_SIGNALS:
    void saved(const taglane::engine::TagMapping &mapping);

private:
    void rebuild();
    void showMessage(const QString &text);

    QString m_path;
    engine::TagMapping m_mapping;
    QStringList m_left, m_right;
    QTableWidget *m_table = nullptr;
    QComboBox *m_a = nullptr;
    QComboBox *m_b = nullptr;
    QLabel *m_message = nullptr;
    bool m_loadFailed = false;
};

} // namespace taglane::widgets
