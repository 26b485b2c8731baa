// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;

namespace taglane::widgets {

/// Imports a published checkpoint (architecture, .pth file, tags file, name)
/// as a model bundle NAME.tlmodel in a destination folder, using the
/// engine's checkpoint import on a worker thread. The engine's message is
/// shown when the import fails. GUI thread.
class ImportCheckpointDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ImportCheckpointDialog(const QString &destinationFolder, QWidget *parent = nullptr);
    ~ImportCheckpointDialog() override;

    void setArchitecture(const QString &architecture);
    QString architecture() const;
    void setCheckpointPath(const QString &path);
    void setTagsPath(const QString &path);
    void setModelName(const QString &name);
    /// The bundle folder an import would write now.
    QString bundleFolder() const;

    bool isRunning() const { return m_running; }
    /// The last error shown in the dialog.
    QString errorText() const;

public Q_SLOTS:
    /// Checks the fields and starts the import; false (with the reason shown)
    /// when a field is wrong or an import is running.
    bool startImport();

Q_SIGNALS:
    void imported(const QString &bundleFolder);
    void failed(const QString &message);

private:
    void showError(const QString &message);
    void setRunning(bool running);
    void guessTagsFile();

    QString m_destination;
    QComboBox *m_arch = nullptr;
    QLineEdit *m_checkpoint = nullptr;
    QLineEdit *m_tags = nullptr;
    QLineEdit *m_name = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_busy = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_running = false;
};

} // namespace taglane::widgets
