// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/models/importcheckpointdialog.h"

#include "widgets/models/modelfolders.h"

#include "engine/model/checkpointimport.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

#include <memory>
#include <optional>

namespace taglane::widgets {

namespace {

/// A line edit with a "Browse..." button that picks an existing file.
QWidget *fileRow(QWidget *parent, QLineEdit *edit, const QString &caption, const QString &filter)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(ImportCheckpointDialog::tr("Browse..."), row);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [row, edit, caption, filter]() {
        const QString start = edit->text().isEmpty() ? QDir::homePath() : QFileInfo(edit->text()).absolutePath();
        const QString path = QFileDialog::getOpenFileName(row, caption, start, filter);
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

} // namespace

ImportCheckpointDialog::ImportCheckpointDialog(const QString &destinationFolder, QWidget *parent)
    : QDialog(parent)
    , m_destination(destinationFolder)
{
    setWindowTitle(tr("Import Checkpoint"));
    m_arch = new QComboBox(this);
    m_arch->addItems(engine::importableArchitectures());
    m_checkpoint = new QLineEdit(this);
    m_checkpoint->setPlaceholderText(tr("e.g. mtat-musicnn.pth"));
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(tr("one tag per line, in output order"));
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("e.g. MTAT musicnn"));
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #e07a6a;"));
    m_error->hide();
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setFormat(tr("Importing..."));
    m_busy->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ImportCheckpointDialog::startImport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_checkpoint, &QLineEdit::textChanged, this, &ImportCheckpointDialog::guessTagsFile);

    auto *form = new QFormLayout;
    form->addRow(tr("&Architecture:"), m_arch);
    form->addRow(tr("&Checkpoint:"), fileRow(this, m_checkpoint, tr("Choose a Checkpoint"),
                                            tr("PyTorch checkpoints (*.pth *.pt);;All files (*)")));
    form->addRow(tr("&Tags file:"), fileRow(this, m_tags, tr("Choose a Tags File"),
                                           tr("Text files (*.txt *.tsv);;All files (*)")));
    form->addRow(tr("&Name:"), m_name);
    auto *note = new QLabel(tr("The bundle is written to %1.").arg(QDir::toNativeSeparators(m_destination)), this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(m_busy);
    layout->addWidget(m_buttons);
    resize(560, sizeHint().height());
}

ImportCheckpointDialog::~ImportCheckpointDialog() = default;

void ImportCheckpointDialog::setArchitecture(const QString &architecture)
{
    const int i = m_arch->findText(architecture);
    if (i >= 0)
        m_arch->setCurrentIndex(i);
}

QString ImportCheckpointDialog::architecture() const
{
    return m_arch->currentText();
}

void ImportCheckpointDialog::setCheckpointPath(const QString &path)
{
    m_checkpoint->setText(path);
}

void ImportCheckpointDialog::setTagsPath(const QString &path)
{
    m_tags->setText(path);
}

void ImportCheckpointDialog::setModelName(const QString &name)
{
    m_name->setText(name);
}

QString ImportCheckpointDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ImportCheckpointDialog::guessTagsFile()
{
    if (!m_tags->text().isEmpty())
        return;
    const QFileInfo info(m_checkpoint->text());
    for (const QString &candidate : {info.completeBaseName() + QStringLiteral("-tags.txt"),
                                     info.completeBaseName().section(QLatin1Char('-'), 0, 0) + QStringLiteral("-tags.txt"),
                                     QStringLiteral("tags.txt")}) {
        const QString path = info.absoluteDir().filePath(candidate);
        if (QFileInfo(path).isFile()) {
            m_tags->setText(path);
            return;
        }
    }
    for (const QString &arch : engine::importableArchitectures()) {
        if (info.completeBaseName().contains(arch, Qt::CaseInsensitive))
            setArchitecture(arch);
    }
}

QString ImportCheckpointDialog::bundleFolder() const
{
    const QString name = m_name->text().trimmed().isEmpty() ? m_arch->currentText() : m_name->text().trimmed();
    return QDir(m_destination).filePath(ModelFolders::safeStem(name) + QStringLiteral(".tlmodel"));
}

void ImportCheckpointDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ImportCheckpointDialog::setRunning(bool running)
{
    m_running = running;
    m_busy->setVisible(running);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!running);
    for (QWidget *w : {static_cast<QWidget *>(m_arch), static_cast<QWidget *>(m_checkpoint),
                       static_cast<QWidget *>(m_tags), static_cast<QWidget *>(m_name)})
        w->setEnabled(!running);
}

bool ImportCheckpointDialog::startImport()
{
    if (m_running)
        return false;
    showError({});
    if (m_checkpoint->text().trimmed().isEmpty()) {
        showError(tr("Choose the checkpoint (.pth) file to import."));
        return false;
    }
    if (m_tags->text().trimmed().isEmpty()) {
        showError(tr("Choose the tags file: one tag per line, in the order of the model's outputs."));
        return false;
    }
    const QString folder = bundleFolder();
    if (QFileInfo::exists(folder)) {
        showError(tr("A model bundle %1 exists already; choose another name.").arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    if (!QDir().mkpath(m_destination)) {
        showError(tr("Cannot create the model folder %1.").arg(QDir::toNativeSeparators(m_destination)));
        return false;
    }

    engine::CheckpointImport request;
    request.architecture = m_arch->currentText();
    request.checkpointPath = m_checkpoint->text().trimmed();
    request.bundleFolder = folder;
    request.name = m_name->text().trimmed();
    const QString tagsPath = m_tags->text().trimmed();

    // The outcome travels in a shared slot; the thread object deletes itself.
    auto outcome = std::make_shared<std::optional<QString>>();   // error message, empty = success
    QThread *thread = QThread::create([request, tagsPath, outcome]() mutable {
        auto tags = engine::loadTagList(tagsPath);
        if (!tags.ok()) {
            *outcome = tags.error();
            return;
        }
        request.tags = tags.value();
        auto bundle = engine::importCheckpoint(request);
        *outcome = bundle.ok() ? QString() : bundle.error();
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, [this, outcome, folder]() {
        setRunning(false);
        const QString error = outcome->value_or(tr("The import stopped unexpectedly."));
        if (!error.isEmpty()) {
            showError(error);
            Q_EMIT failed(error);
            return;
        }
        Q_EMIT imported(folder);
        accept();
    });
    setRunning(true);
    thread->start();
    return true;
}

} // namespace taglane::widgets
