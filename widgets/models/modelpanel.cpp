// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/models/modelpanel.h"

#include "widgets/models/importcheckpointdialog.h"
#include "widgets/models/modellistmodel.h"
#include "widgets/models/weightscheck.h"

#include "engine/curation/tagnames.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QJsonDocument>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace taglane::widgets {

namespace {
/// Settings key of the model the curator chose last (its folder).
const char *const chosenModelKey = "models/chosen";


/// "key: value" lines of a flat JSON object (nested values as compact JSON).
QString jsonLines(const QJsonObject &object)
{
    QStringList lines;
    for (auto it = object.begin(); it != object.end(); ++it) {
        QString value;
        const QJsonValue v = it.value();
        if (v.isDouble())
            value = QString::number(v.toDouble(), 'g', 4);
        else if (v.isString())
            value = v.toString();
        else if (v.isBool())
            value = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        else if (v.isObject())
            value = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        else if (v.isArray())
            value = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        if (value.size() > 160)
            value = value.left(157) + QStringLiteral("...");
        lines << QStringLiteral("<b>%1</b>: %2").arg(it.key().toHtmlEscaped(), value.toHtmlEscaped());
    }
    return lines.join(QStringLiteral("<br>"));
}

} // namespace

ModelPanel::ModelPanel(QWidget *parent)
    : QWidget(parent)
    , m_models(new ModelListModel(this))
{
    m_list = new QListView(this);
    m_list->setModel(m_models);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setMinimumHeight(60);
    m_list->setMaximumHeight(140);
    m_details = new QTextBrowser(this);
    m_details->setOpenLinks(false);

    auto *importButton = new QPushButton(tr("&Import checkpoint..."), this);
    importButton->setToolTip(tr("Turn a published PyTorch checkpoint (.pth) into a Taglane model bundle"));
    connect(importButton, &QPushButton::clicked, this, &ModelPanel::importCheckpoint);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setText(tr("Refresh"));
    refreshButton->setToolTip(tr("Look for model bundles again"));
    connect(refreshButton, &QToolButton::clicked, this, &ModelPanel::refresh);

    // One segmentation control: the lane bar's "Segments" (LaneControls); this only states its rule.
    auto *segments = new QLabel(tr("as chosen in the lane bar (Segments): model chunks follow the model that "
                                   "tags; fixed windows and novelty stay whatever model runs"),
                                this);
    segments->setObjectName(QStringLiteral("segmentationRule"));
    segments->setWordWrap(true);
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 256);
    m_batch->setValue(8);
    m_batch->setToolTip(tr("Chunks per forward pass; larger is faster on a GPU and uses more memory"));
    m_tag = new QToolButton(this);
    m_tag->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_tag->setText(tr("Tag track"));

    m_compare = new QPushButton(tr("Co&mpare..."), this);
    m_compare->setToolTip(tr("Evaluate the selected version next to the one it was retrained from on a labelled folder"));
    connect(m_compare, &QPushButton::clicked, this, &ModelPanel::compareSelected);
    m_rollBack = new QPushButton(tr("Roll &Back"), this);
    m_rollBack->setToolTip(tr("Switch back to the version the selected one was retrained from"));
    connect(m_rollBack, &QPushButton::clicked, this, &ModelPanel::rollBack);
    m_retrain = new QToolButton(this);
    m_retrain->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_retrain->setText(tr("Retrain..."));
    m_retrain->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(importButton);
    buttons->addWidget(refreshButton);
    buttons->addStretch(1);
    auto *versions = new QHBoxLayout;
    versions->addWidget(m_compare);
    versions->addWidget(m_rollBack);
    versions->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(tr("Segments:"), segments);
    form->addRow(tr("Batch size:"), m_batch);
    form->addRow(tr("Device:"), new QLabel(tr("automatic (CUDA when available, else CPU)"), this));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 2);
    layout->addLayout(buttons);
    layout->addLayout(versions);
    layout->addWidget(m_details, 3);
    layout->addLayout(form);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    actions->addWidget(m_retrain);
    actions->addWidget(m_tag);
    layout->addLayout(actions);

    m_weights = new WeightsCheck(this);
    connect(m_weights, &WeightsCheck::checked, this, [this](const QString &folder) {
        const QModelIndex index = m_list->currentIndex();
        if (index.isValid() && m_models->entry(index.row()).folder == folder)
            showSelection();
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, &ModelPanel::showSelection);
    connect(m_models, &QAbstractItemModel::modelReset, this, &ModelPanel::showSelection);
    refresh();
}

void ModelPanel::refresh()
{
    QString previous = selectedFolder();
    if (previous.isEmpty())   // the first listing: the model chosen last time
        previous = QSettings().value(QLatin1String(chosenModelKey)).toString();
    m_models->refresh();
    if (!previous.isEmpty() && selectFolder(previous))
        return;
    if (m_models->rowCount() > 0)
        m_list->setCurrentIndex(m_models->index(0));
    showSelection();
}

QString ModelPanel::selectedFolder() const
{
    const QModelIndex index = m_list->currentIndex();
    if (!index.isValid() || !m_models->entry(index.row()).ok())
        return {};
    const QString folder = m_models->entry(index.row()).folder;
    return m_weights->problem(folder).isEmpty() ? folder : QString();
}

bool ModelPanel::selectFolder(const QString &folder)
{
    const int row = m_models->rowOfFolder(folder);
    if (row < 0)
        return false;
    m_list->setCurrentIndex(m_models->index(row));
    showSelection();
    return true;
}

QString ModelPanel::detailsText() const
{
    return m_details->toPlainText();
}

void ModelPanel::showSelection()
{
    const QModelIndex index = m_list->currentIndex();
    if (!index.isValid()) {
        m_rollBack->setEnabled(false);
        m_compare->setEnabled(false);
        QStringList folders;
        for (const auto &f : m_models->folders())
            folders << QDir::toNativeSeparators(f.path).toHtmlEscaped();
        m_details->setHtml(tr("<p>No model selected. Taglane looks for NAME.tlmodel folders in:</p><p>%1</p>"
                              "<p>Import a published checkpoint to make one.</p>")
                               .arg(folders.join(QStringLiteral("<br>"))));
        Q_EMIT selectionChanged({});
        return;
    }
    const ModelFolders::Entry &entry = m_models->entry(index.row());
    if (entry.ok())
        m_weights->check(entry.folder);
    const QString broken = entry.ok() ? m_weights->problem(entry.folder) : QString();
    if (!broken.isEmpty()) {
        // Refused: it cannot tag or be retrained; the engine's message says why.
        m_rollBack->setEnabled(false);
        m_compare->setEnabled(false);
        m_details->setHtml(tr("<p><b>%1</b> cannot be used: its weights do not load.</p><p>%2</p>")
                               .arg(QDir::toNativeSeparators(entry.folder).toHtmlEscaped(), broken.toHtmlEscaped())
                           + manifestHtml(entry));
        Q_EMIT selectionChanged({});
        return;
    }
    const int parent = m_models->parentRow(index.row());
    m_rollBack->setEnabled(parent >= 0);
    m_rollBack->setToolTip(parent >= 0 ? tr("Switch back to %1, the version this one was retrained from")
                                             .arg(m_models->entry(parent).manifest.name)
                                       : tr("The selected model was not retrained from a listed version"));
    m_compare->setEnabled(entry.ok());
    QString html = manifestHtml(entry);
    if (parent >= 0)
        html.replace(QStringLiteral("<table>"),
                     tr("<p>Retrained from <b>%1</b>.</p>").arg(m_models->entry(parent).manifest.name.toHtmlEscaped())
                         + QStringLiteral("<table>"));
    m_details->setHtml(html);
    if (entry.ok())
        QSettings().setValue(QLatin1String(chosenModelKey), entry.folder);
    Q_EMIT selectionChanged(entry.ok() ? entry.folder : QString());
}

QString ModelPanel::manifestHtml(const ModelFolders::Entry &entry)
{
    if (!entry.ok())
        return tr("<p><b>%1</b> cannot be used:</p><p>%2</p>").arg(entry.folder.toHtmlEscaped(), entry.error.toHtmlEscaped());
    const engine::ModelManifest &m = entry.manifest;
    const double chunkSeconds = m.sampleRate > 0 ? double(m.chunkSamples) / m.sampleRate : 0.0;
    QString html = QStringLiteral("<h3>%1</h3><table>").arg(m.name.toHtmlEscaped());
    auto row = [&html](const QString &key, const QString &value) {
        html += QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr>").arg(key, value.toHtmlEscaped());
    };
    row(tr("Architecture"), m.architecture);
    row(tr("Version"), m.version);
    // A bundle without a parent was imported from a published checkpoint
    // (the importer records the file) or trained from scratch.
    const QString checkpoint = m.training.value(QStringLiteral("checkpoint")).toString();
    const bool imported = !checkpoint.isEmpty()
                          || m.training.value(QStringLiteral("source")).toString() == QLatin1String("imported checkpoint");
    const QString noParent = imported ? (checkpoint.isEmpty() ? tr("none (imported)") : tr("none (imported from %1)").arg(checkpoint))
                             : m.training.isEmpty() ? tr("none (imported)")
                                                    : tr("none (trained from scratch)");
    row(tr("Parent"), m.parentVersion.isEmpty() ? noParent : m.parentVersion);
    QStringList shown;   // display names, as the lane shows them
    for (const QString &name : m.tags.names().mid(0, 6))
        shown << engine::TagNames::displayName(name);
    row(tr("Tags"), tr("%1 (%2)").arg(m.tags.size()).arg(shown.join(QStringLiteral(", "))
                                                         + (m.tags.size() > 6 ? QStringLiteral(", ...") : QString())));
    row(tr("Chunk length"), tr("%1 samples (%2 s)").arg(m.chunkSamples).arg(chunkSeconds, 0, 'f', 2));
    row(tr("Sample rate"), tr("%1 Hz").arg(m.sampleRate));
    row(tr("Created"), m.created.isValid() ? m.created.toLocalTime().toString(Qt::ISODate) : tr("unknown"));
    row(tr("Folder"), QDir::toNativeSeparators(entry.folder));
    row(tr("Found in"), ModelFolders::originName(entry.origin));
    html += QStringLiteral("</table>");
    html += tr("<p><b>Training</b><br>%1</p>").arg(m.training.isEmpty() ? tr("no summary") : jsonLines(m.training));
    html += tr("<p><b>Metrics</b><br>%1</p>").arg(m.metrics.isEmpty() ? tr("none recorded") : jsonLines(m.metrics));
    return html;
}

int ModelPanel::batchSize() const
{
    return m_batch->value();
}

void ModelPanel::setBatchSize(int size)
{
    m_batch->setValue(size);
}

void ModelPanel::setTagAction(QAction *action)
{
    m_tag->setDefaultAction(action);
}

void ModelPanel::setRetrainAction(QAction *action)
{
    m_retrain->setDefaultAction(action);
    m_retrain->setVisible(action != nullptr);
}

QString ModelPanel::parentFolder(const QString &folder) const
{
    const int parent = m_models->parentRow(m_models->rowOfFolder(folder));
    return parent >= 0 ? m_models->entry(parent).folder : QString();
}

bool ModelPanel::rollBack()
{
    const QString parent = parentFolder(selectedFolder());
    return !parent.isEmpty() && selectFolder(parent);
}

void ModelPanel::compareSelected()
{
    const QString folder = selectedFolder();
    if (!folder.isEmpty())
        Q_EMIT compareRequested(folder, parentFolder(folder));
}

QString ModelPanel::importFolder() const
{
    return m_importFolder.isEmpty() ? ModelFolders::userFolder() : m_importFolder;
}

void ModelPanel::importCheckpoint()
{
    auto *dialog = new ImportCheckpointDialog(importFolder(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportCheckpointDialog::imported, this, [this](const QString &folder) {
        refresh();
        selectFolder(folder);
    });
    dialog->open();
}

} // namespace taglane::widgets
