#include "exportdialog.h"

#include "core/logging.h"
#include "report/csvreportwriter.h"
#include "store/connection.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPointer>
#include <QPromise>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Runs on a worker thread: opens a connection there, as Qt Sql requires, and
// reports rows written through the promise's progress value. Cancelling
// goes through `cancelRequested` rather than QFuture::cancel(), because a
// cancelled future drops the result, and the dialog must still learn whether
// the writer finished the file before it saw the request.
void writeReport(QPromise<ExportOutcome> &promise, const QString &storePath,
                 const ReportOptions &options,
                 const std::shared_ptr<std::atomic<bool>> &cancelRequested)
{
    ExportOutcome outcome;

    Result<Connection> connection =
        Connection::openSqlite(storePath, u"export"_s, Connection::Mode::ReadOnly);
    if (!connection) {
        outcome.errorMessage = connection.error().message;
        promise.addResult(outcome);
        return;
    }

    const auto progress = [&promise, &cancelRequested](qint64 done, qint64 total) {
        // QFuture progress is an int; reports beyond 2^31 - 1 rows show as full.
        constexpr qint64 IntMax = std::numeric_limits<int>::max();
        promise.setProgressRange(0, int(std::min(total, IntMax)));
        promise.setProgressValue(int(std::min(done, IntMax)));
        return !cancelRequested->load();
    };

    const Result<qint64> written = CsvReportWriter::write(connection->database(), options, progress);
    if (written) {
        outcome.rows = *written;
    } else if (written.error().code == u"report_cancelled") {
        outcome.cancelled = true;
    } else {
        outcome.errorMessage = written.error().message;
    }
    promise.addResult(outcome);
}

void openSaveDialog(QWidget *parent, const QString &suggestedPath, ExportDialog::FileDone done)
{
    auto *dialog = new QFileDialog(parent, ExportDialog::tr("Export report"), suggestedPath,
                                   ExportDialog::tr("CSV files (*.csv);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(u"csv"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);

    QObject::connect(dialog, &QFileDialog::fileSelected, dialog,
                     [done](const QString &path) { done(path); });
    QObject::connect(dialog, &QFileDialog::rejected, dialog, [done] { done({}); });
    dialog->open();
}

} // namespace

ExportDialog::ExportDialog(const QString &storePath, const QString &batchId,
                           const QString &batchName, QWidget *parent)
    : QDialog(parent)
    , m_storePath(storePath)
    , m_batchId(batchId)
    , m_batchName(batchName)
    , m_chooseFile(openSaveDialog)
    , m_openFile([](const QString &path) { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); })
{
    setObjectName(u"exportDialog"_s);
    setWindowTitle(tr("Export report of %1").arg(batchName));

    m_callsKind = new QRadioButton(tr("&Calls: one row per call"), this);
    m_callsKind->setObjectName(u"exportKindCalls"_s);
    m_attemptsKind = new QRadioButton(tr("&Attempts: one row per dial"), this);
    m_attemptsKind->setObjectName(u"exportKindAttempts"_s);
    m_kindGroup = new QButtonGroup(this);
    m_kindGroup->addButton(m_callsKind, int(ReportKind::Calls));
    m_kindGroup->addButton(m_attemptsKind, int(ReportKind::Attempts));
    m_callsKind->setChecked(true);

    m_pathEdit = new QLineEdit(this);
    m_pathEdit->setObjectName(u"exportPath"_s);
    m_pathEdit->setAccessibleName(tr("Output file"));
    m_browseButton = new QPushButton(tr("&Browse…"), this);
    m_browseButton->setObjectName(u"exportBrowse"_s);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_pathEdit, 1);
    pathRow->addWidget(m_browseButton);

    m_openWhenDone = new QCheckBox(tr("&Open when done"), this);
    m_openWhenDone->setObjectName(u"exportOpenWhenDone"_s);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"exportProgress"_s);
    m_progress->setAccessibleName(tr("Export progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"exportStatus"_s);
    m_statusLabel->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(this);
    m_exportButton = buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    m_exportButton->setObjectName(u"exportStart"_s);
    m_cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancelButton->setObjectName(u"exportCancel"_s);
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setObjectName(u"exportClose"_s);

    auto *form = new QFormLayout;
    auto *kindColumn = new QVBoxLayout;
    kindColumn->addWidget(m_callsKind);
    kindColumn->addWidget(m_attemptsKind);
    form->addRow(tr("Report:"), kindColumn);
    auto *pathLabel = new QLabel(tr("Output &file:"), this);
    pathLabel->setBuddy(m_pathEdit);
    form->addRow(pathLabel, pathRow);
    form->addRow(QString(), m_openWhenDone);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_statusLabel);
    layout->addWidget(buttons);

    setOutputPath(QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                      .filePath(suggestedFileName()));

    connect(m_browseButton, &QPushButton::clicked, this, &ExportDialog::chooseFile);
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_cancelButton, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(m_closeButton, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(m_pathEdit, &QLineEdit::textChanged, this, &ExportDialog::updateButtons);
    connect(m_kindGroup, &QButtonGroup::idClicked, this, [this] {
        // Follows the kind in the suggested name unless the operator picked a file.
        const QFileInfo current(outputPath());
        if (current.fileName().startsWith(u"dialdeck-"_s))
            setOutputPath(current.dir().filePath(suggestedFileName()));
    });
    connect(&m_watcher, &QFutureWatcher<ExportOutcome>::progressRangeChanged, m_progress,
            &QProgressBar::setRange);
    connect(&m_watcher, &QFutureWatcher<ExportOutcome>::progressValueChanged, this,
            &ExportDialog::onProgressChanged);
    connect(&m_watcher, &QFutureWatcher<ExportOutcome>::finished, this, &ExportDialog::onFinished);

    updateButtons();
}

ExportDialog::~ExportDialog()
{
    // The writer checks for cancellation every 1000 rows, so this wait is short.
    m_cancelRequested->store(true);
    m_watcher.waitForFinished();
}

ReportKind ExportDialog::kind() const
{
    return m_attemptsKind->isChecked() ? ReportKind::Attempts : ReportKind::Calls;
}

void ExportDialog::setKind(ReportKind kind)
{
    (kind == ReportKind::Attempts ? m_attemptsKind : m_callsKind)->setChecked(true);
}

QString ExportDialog::outputPath() const
{
    return m_pathEdit->text().trimmed();
}

void ExportDialog::setOutputPath(const QString &path)
{
    m_pathEdit->setText(QDir::toNativeSeparators(path));
}

QString ExportDialog::suggestedFileName() const
{
    const QString kindName = kind() == ReportKind::Attempts ? u"attempts"_s : u"calls"_s;
    return u"dialdeck-%1-%2.csv"_s.arg(m_batchId.left(8), kindName);
}

void ExportDialog::chooseFile()
{
    const QPointer<ExportDialog> self(this);
    m_chooseFile(this, outputPath(), [self](const QString &path) {
        if (self && !path.isEmpty())
            self->setOutputPath(path);
    });
}

void ExportDialog::startExport()
{
    if (isRunning())
        return;
    if (outputPath().isEmpty()) {
        m_statusLabel->setText(tr("No output file is set; choose one with Browse."));
        return;
    }

    ReportOptions options;
    options.batchId = m_batchId;
    options.kind = kind();
    options.outputPath = QDir::fromNativeSeparators(outputPath());

    qCInfo(lcUi).noquote() << "Exporting the" << (options.kind == ReportKind::Calls ? "calls" : "attempts")
                           << "report of batch" << m_batchId;
    m_progress->setRange(0, 0);
    m_statusLabel->setText(tr("Writing %1…").arg(outputPath()));
    m_cancelRequested = std::make_shared<std::atomic<bool>>(false);
    m_watcher.setFuture(QtConcurrent::run(writeReport, m_storePath, options, m_cancelRequested));
    updateButtons();
}

void ExportDialog::cancelExport()
{
    if (!isRunning())
        return;

    m_cancelRequested->store(true);
    m_statusLabel->setText(tr("Cancelling…"));
    m_cancelButton->setEnabled(false);
}

void ExportDialog::reject()
{
    // Closing while the writer runs would hide a half-done export; Cancel first.
    if (isRunning()) {
        cancelExport();
        return;
    }
    QDialog::reject();
}

void ExportDialog::onProgressChanged(int done)
{
    m_progress->setValue(done);
    m_statusLabel->setText(tr("%1 of %2 rows written.").arg(done).arg(m_progress->maximum()));
}

void ExportDialog::onFinished()
{
    const QFuture<ExportOutcome> future = m_watcher.future();
    ExportOutcome outcome;
    if (future.resultCount() > 0)
        outcome = future.result();
    else
        outcome.errorMessage = tr("The export of batch %1 ended without a result.").arg(m_batchId);
    m_lastOutcome = outcome;

    m_progress->setRange(0, 1);
    if (outcome.cancelled) {
        m_progress->setValue(0);
        m_statusLabel->setText(tr("Export cancelled; %1 was not changed.").arg(outputPath()));
    } else if (!outcome.errorMessage.isEmpty()) {
        m_progress->setValue(0);
        m_statusLabel->setText(outcome.errorMessage);
        qCWarning(lcUi).noquote() << "Export of batch" << m_batchId << "failed:" << outcome.errorMessage;
    } else {
        m_progress->setValue(1);
        m_statusLabel->setText(tr("Rows written to %1: %2").arg(outputPath()).arg(outcome.rows));
        if (m_openWhenDone->isChecked())
            m_openFile(QDir::fromNativeSeparators(outputPath()));
    }

    updateButtons();
    Q_EMIT exportFinished(outcome);
}

void ExportDialog::updateButtons()
{
    const bool running = isRunning();
    m_exportButton->setEnabled(!running && !outputPath().isEmpty());
    m_cancelButton->setEnabled(running);
    m_closeButton->setEnabled(!running);
    m_browseButton->setEnabled(!running);
    m_callsKind->setEnabled(!running);
    m_attemptsKind->setEnabled(!running);
    m_pathEdit->setEnabled(!running);
}

} // namespace Dialdeck
