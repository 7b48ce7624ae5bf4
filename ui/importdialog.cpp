#include "importdialog.h"

#include "core/ids.h"
#include "core/logging.h"
#include "import/importer.h"
#include "store/connection.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Delay after the last mapping, region or zone change before the file is read again, in ms.
constexpr int PreviewDelayMs = 300;

Result<ImportPreview> previewInWorker(const QString &storePath, const ImportOptions &options)
{
    // The do-not-call check needs the store; a missing store still gets a preview.
    Result<Connection> connection = Connection::openSqlite(storePath, u"importpreview"_s,
                                                           Connection::Mode::ReadOnly);
    if (!connection)
        return Importer::preview(options, ImportDialog::PreviewRowLimit);
    return Importer::preview(connection->database(), options, ImportDialog::PreviewRowLimit);
}

QString timeZoneSourceText(TimeZoneSource source)
{
    switch (source) {
    case TimeZoneSource::Column:
        return ImportDialog::tr("column");
    case TimeZoneSource::PhonePrefix:
        return ImportDialog::tr("number prefix");
    case TimeZoneSource::BatchDefault:
        return ImportDialog::tr("batch default");
    }
    return QString();
}

QTableWidget *createTable(const QString &objectName, const QString &accessibleName, const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()));
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace

ImportDialog::ImportDialog(const QString &storePath, const QString &ownerUserId, const BatchConfig &defaults,
                           QWidget *parent)
    : QDialog(parent)
    , m_storePath(storePath)
    , m_ownerUserId(ownerUserId)
    , m_defaults(defaults)
{
    setObjectName(u"importDialog"_s);
    setWindowTitle(tr("Import Contacts"));
    resize(960, 640);

    m_summary = new QLabel(tr("Choose a contact file to see what would be imported."));
    m_summary->setObjectName(u"importSummaryLabel"_s);
    m_summary->setWordWrap(true);
    m_progress = new QProgressBar;
    m_progress->setObjectName(u"importProgress"_s);
    m_progress->setVisible(false);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_importButton = m_buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(u"importButton"_s);

    auto *top = new QHBoxLayout;
    top->addWidget(createSourceGroup(), 1);
    top->addWidget(createMappingGroup(), 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(createPreviewTabs(), 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_buttons);

    m_previewDelay = new QTimer(this);
    m_previewDelay->setSingleShot(true);
    m_previewDelay->setInterval(PreviewDelayMs);
    m_progressTimer = new QTimer(this);
    m_progressTimer->setInterval(100);

    connect(m_previewDelay, &QTimer::timeout, this, &ImportDialog::runPreview);
    connect(m_progressTimer, &QTimer::timeout, this, &ImportDialog::updateProgress);
    connect(&m_previewWatcher, &QFutureWatcherBase::finished, this,
            [this] { showPreview(m_previewWatcher.result()); });
    connect(&m_importWatcher, &QFutureWatcherBase::finished, this, &ImportDialog::onImportFinished);
    connect(m_importButton, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ImportDialog::reject);
    updateButtons();
}

ImportDialog::~ImportDialog()
{
    // Worker threads hold no pointer into the dialog, but they must finish
    // before the process can exit cleanly; the cancel flag ends an import early.
    if (m_importProgress)
        m_importProgress->cancelled = true;
    m_previewWatcher.waitForFinished();
    m_importWatcher.waitForFinished();
}

QWidget *ImportDialog::createSourceGroup()
{
    auto *group = new QGroupBox(tr("Source and new batch"));
    auto *form = new QFormLayout(group);

    m_fileEdit = new QLineEdit;
    m_fileEdit->setObjectName(u"importFileEdit"_s);
    m_fileEdit->setReadOnly(true);
    m_fileEdit->setAccessibleName(tr("Contact file"));
    m_browse = new QPushButton(tr("&Choose File…"));
    m_browse->setObjectName(u"importBrowseButton"_s);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fileEdit, 1);
    fileRow->addWidget(m_browse);
    form->addRow(tr("File:"), fileRow);

    m_formatLabel = new QLabel(tr("Not read yet"));
    m_formatLabel->setObjectName(u"importFormatLabel"_s);
    form->addRow(tr("Detected format:"), m_formatLabel);

    m_batchName = new QLineEdit;
    m_batchName->setObjectName(u"importBatchNameEdit"_s);
    m_batchName->setAccessibleName(tr("Batch name"));
    form->addRow(tr("Batch &name:"), m_batchName);

    m_region = new QLineEdit(m_defaults.defaultRegion);
    m_region->setObjectName(u"importRegionEdit"_s);
    m_region->setMaxLength(2);
    m_region->setAccessibleName(tr("Default region for numbers without a country code"));
    form->addRow(tr("Default &region:"), m_region);

    m_timeZone = new QComboBox;
    m_timeZone->setObjectName(u"importTimeZoneCombo"_s);
    m_timeZone->setEditable(true);
    m_timeZone->setInsertPolicy(QComboBox::NoInsert);
    m_timeZone->setAccessibleName(tr("Default time zone"));
    for (const QByteArray &zone : QTimeZone::availableTimeZoneIds())
        m_timeZone->addItem(QString::fromUtf8(zone));
    m_timeZone->completer()->setFilterMode(Qt::MatchContains);
    m_timeZone->setCurrentText(QString::fromUtf8(m_defaults.defaultTimeZone));
    form->addRow(tr("Default &zone:"), m_timeZone);

    connect(m_browse, &QPushButton::clicked, this, &ImportDialog::chooseFile);
    connect(m_batchName, &QLineEdit::textEdited, this, [this] {
        m_nameEdited = true;
        updateButtons();
    });
    connect(m_region, &QLineEdit::textEdited, this, &ImportDialog::schedulePreview);
    connect(m_timeZone, &QComboBox::currentTextChanged, this, &ImportDialog::schedulePreview);
    return group;
}

QWidget *ImportDialog::createMappingGroup()
{
    auto *group = new QGroupBox(tr("Column for each field"));
    auto *form = new QFormLayout(group);

    const QList<std::pair<ContactField, QString>> fields = {
        {ContactField::Phone, tr("&Phone:")},          {ContactField::Name, tr("N&ame:")},
        {ContactField::FirstName, tr("&First name:")}, {ContactField::LastName, tr("&Last name:")},
        {ContactField::Country, tr("C&ountry:")},      {ContactField::TimeZone, tr("&Time zone:")},
    };
    for (const auto &[field, label] : fields) {
        const QString key = toString(field);
        auto *combo = new QComboBox;
        combo->setObjectName(u"mappingCombo_"_s + key);
        combo->setAccessibleName(tr("Column for %1").arg(QString(label).remove(u'&').remove(u':')));
        combo->setEnabled(false);
        m_mappingCombos.insert(key, combo);
        form->addRow(label, combo);
        connect(combo, &QComboBox::currentIndexChanged, this, [this, key] {
            if (m_filling)
                return;
            m_chosenFields.insert(key);
            schedulePreview();
        });
    }
    return group;
}

QWidget *ImportDialog::createPreviewTabs()
{
    m_rowsTable = createTable(u"importPreviewTable"_s, tr("Rows to import"),
                              {tr("Line"), tr("Name"), tr("As written"), tr("E.164"), tr("Time zones"),
                               tr("Zone from")});
    m_rejectedTable = createTable(u"importRejectedTable"_s, tr("Rejected rows"),
                                  {tr("Line"), tr("Value"), tr("Reason")});

    auto *tabs = new QTabWidget;
    tabs->setObjectName(u"importPreviewTabs"_s);
    tabs->addTab(m_rowsTable, tr("Rows to import"));
    tabs->addTab(m_rejectedTable, tr("Rejected rows"));
    return tabs;
}

void ImportDialog::chooseFile()
{
    if (!m_chooseFile || isImportRunning())
        return;

    QPointer<ImportDialog> self(this);
    m_chooseFile(this, tr("Import Contacts"),
                 tr("Contact files (*.csv *.txt *.tsv);;All files (*)"), [self](const QString &path) {
                     if (self && !path.isEmpty())
                         self->setFilePath(path);
                 });
}

void ImportDialog::setFilePath(const QString &path)
{
    m_filePath = path;
    m_fileEdit->setText(QDir::toNativeSeparators(path));
    if (!m_nameEdited)
        m_batchName->setText(QFileInfo(path).completeBaseName());

    // A new file gets its columns detected afresh.
    m_filling = true;
    for (QComboBox *combo : std::as_const(m_mappingCombos))
        combo->clear();
    m_filling = false;
    m_chosenFields.clear();
    m_preview.reset();
    runPreview();
}

ImportOptions ImportDialog::options() const
{
    ImportOptions options;
    options.filePath = m_filePath;
    options.batchName = m_batchName->text().trimmed();
    options.ownerUserId = m_ownerUserId;
    options.config = m_defaults;
    options.config.defaultRegion = m_region->text().trimmed().toUpper();
    options.config.defaultTimeZone = m_timeZone->currentText().trimmed().toUtf8();

    for (const QString &field : m_chosenFields) {
        const QComboBox *combo = m_mappingCombos.value(field);
        const QString header = combo->currentData().toString();
        if (combo->currentIndex() > 0 && !header.isEmpty())
            options.mapping.insert(field, header);
    }
    return options;
}

void ImportDialog::schedulePreview()
{
    if (!m_filePath.isEmpty())
        m_previewDelay->start();
}

void ImportDialog::runPreview()
{
    if (m_filePath.isEmpty())
        return;
    if (m_previewWatcher.isRunning()) {
        m_previewAgain = true;
        return;
    }

    m_summary->setText(tr("Reading %1…").arg(QFileInfo(m_filePath).fileName()));
    m_previewWatcher.setFuture(QtConcurrent::run(&previewInWorker, m_storePath, options()));
    updateButtons();
}

void ImportDialog::showPreview(const Result<ImportPreview> &result)
{
    if (m_previewAgain) {
        m_previewAgain = false;
        runPreview();
        return;
    }

    if (!result) {
        m_preview.reset();
        m_previewError = result.error().message;
        m_summary->setText(tr("The file cannot be imported: %1").arg(m_previewError));
        m_formatLabel->setText(tr("Unknown"));
        m_rowsTable->setRowCount(0);
        m_rejectedTable->setRowCount(0);
        updateButtons();
        Q_EMIT previewFailed(m_previewError);
        return;
    }

    m_previewError.clear();
    m_preview = *result;
    m_formatLabel->setText(m_preview->formatName);
    fillMapping(*m_preview);
    fillRows(*m_preview);
    fillRejected(*m_preview);

    const QLocale locale;
    m_summary->setText(tr("%1 data rows: %2 to import, %3 rejected. The table shows the first %4.")
                           .arg(locale.toString(m_preview->totalRows), locale.toString(m_preview->acceptedRows),
                                locale.toString(qint64(m_preview->rejected.size())),
                                locale.toString(qint64(m_preview->rows.size()))));
    updateButtons();
    Q_EMIT previewReady();
}

void ImportDialog::fillMapping(const ImportPreview &preview)
{
    m_filling = true;
    for (auto it = m_mappingCombos.cbegin(); it != m_mappingCombos.cend(); ++it) {
        QComboBox *combo = it.value();
        combo->clear();
        combo->addItem(tr("(none)"), QString());
        for (const QString &header : preview.headers)
            combo->addItem(header, header);

        const QString mapped = preview.mapping.value(it.key());
        int index = mapped.isEmpty() ? 0 : combo->findData(mapped);
        if (index < 0) {
            // Several columns can feed one field (Google's "Phone N - Value"); show them as one choice.
            combo->addItem(mapped, mapped);
            index = combo->count() - 1;
        }
        combo->setCurrentIndex(index);
        combo->setEnabled(true);
    }
    m_filling = false;
}

void ImportDialog::fillRows(const ImportPreview &preview)
{
    m_rowsTable->setRowCount(int(preview.rows.size()));
    for (int row = 0; row < preview.rows.size(); ++row) {
        const CallRecord &call = preview.rows.at(row);
        const QStringList cells = {QString::number(call.line), call.name, call.phoneRaw, call.e164,
                                   joinTimeZones(call.timeZones).replace(u'&', u", "_s),
                                   timeZoneSourceText(call.timeZoneSource)};
        for (int column = 0; column < cells.size(); ++column)
            m_rowsTable->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    m_rowsTable->resizeColumnsToContents();
}

void ImportDialog::fillRejected(const ImportPreview &preview)
{
    m_rejectedTable->setRowCount(int(preview.rejected.size()));
    for (int row = 0; row < preview.rejected.size(); ++row) {
        const RejectedRow &rejected = preview.rejected.at(row);
        m_rejectedTable->setItem(row, 0, new QTableWidgetItem(QString::number(rejected.line)));
        m_rejectedTable->setItem(row, 1, new QTableWidgetItem(rejected.value));
        auto *reason = new QTableWidgetItem(rejected.reason);
        reason->setToolTip(rejected.reasonCode);
        m_rejectedTable->setItem(row, 2, reason);
    }
    m_rejectedTable->resizeColumnsToContents();
}

void ImportDialog::startImport()
{
    if (!m_preview || isImportRunning() || isPreviewRunning())
        return;

    ImportOptions importOptions = options();
    importOptions.batchId = Ids::generate();
    if (importOptions.batchName.isEmpty())
        importOptions.batchName = QFileInfo(m_filePath).completeBaseName();

    m_importProgress = std::make_shared<ImportProgress>();
    std::shared_ptr<ImportProgress> progress = m_importProgress;
    const QString storePath = m_storePath;
    m_importWatcher.setFuture(QtConcurrent::run([storePath, importOptions, progress]() -> Result<ImportSummary> {
        Result<Connection> connection = Connection::openSqlite(storePath, u"import"_s);
        if (!connection)
            return connection.error();
        return Importer::run(connection->database(), importOptions, [progress](qint64 rowsDone) {
            progress->rowsDone = rowsDone;
            return !progress->cancelled.load();
        });
    }));

    m_progress->setRange(0, int(qMin<qint64>(m_preview->totalRows, INT_MAX)));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_progressTimer->start();
    m_summary->setText(tr("Importing into \"%1\"…").arg(importOptions.batchName));
    updateButtons();
}

void ImportDialog::updateProgress()
{
    if (m_importProgress)
        m_progress->setValue(int(qMin<qint64>(m_importProgress->rowsDone, m_progress->maximum())));
}

void ImportDialog::onImportFinished()
{
    m_progressTimer->stop();
    const bool cancelled = m_importProgress && m_importProgress->cancelled;
    const Result<ImportSummary> summary = m_importWatcher.result();
    m_progress->setVisible(false);

    if (!summary) {
        m_summary->setText(cancelled ? tr("Import cancelled; nothing was stored.")
                                     : tr("The import failed and nothing was stored: %1").arg(summary.error().message));
        updateButtons();
        if (cancelled)
            QDialog::reject();
        return;
    }

    const QString text = tr("Imported %1 of %2 rows from %3 into \"%4\"; %5 rejected.")
                             .arg(summary->imported)
                             .arg(summary->totalRows)
                             .arg(QFileInfo(m_filePath).fileName(), m_batchName->text().trimmed())
                             .arg(summary->rejected.size());
    qCInfo(lcUi) << "Imported" << summary->imported << "rows into batch" << summary->batchId;
    Q_EMIT imported(summary->batchId, text);
    accept();
}

void ImportDialog::reject()
{
    // Cancel requests a running import to stop, and the dialog closes once it has rolled back.
    if (isImportRunning()) {
        m_importProgress->cancelled = true;
        m_summary->setText(tr("Cancelling the import…"));
        return;
    }
    QDialog::reject();
}

void ImportDialog::updateButtons()
{
    const bool busy = isImportRunning();
    const bool ready = m_preview && m_preview->acceptedRows > 0 && !isPreviewRunning();
    m_importButton->setEnabled(ready && !busy);
    m_browse->setEnabled(!busy);
    m_batchName->setEnabled(!busy);
    m_region->setEnabled(!busy);
    m_timeZone->setEnabled(!busy);
}

} // namespace Dialdeck
