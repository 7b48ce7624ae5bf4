#pragma once

#include "report/reportoptions.h"

#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <functional>
#include <memory>

class QButtonGroup;
class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace Dialdeck {

// Result of one export: the rows written, a cancel by the operator, or an error.
struct ExportOutcome
{
    qint64 rows = 0;
    bool cancelled = false;
    QString errorMessage;

    bool ok() const { return !cancelled && errorMessage.isEmpty(); }
};

// Exports the calls or attempts report of a batch as CSV. The report is
// written on a worker thread with its own read-only store connection, while
// the dialog shows progress. Cancel stops the writer, which leaves any
// existing file at the output path untouched.
class ExportDialog final : public QDialog
{
    Q_OBJECT

public:
    // Receives the chosen path, or an empty string when the operator cancels.
    using FileDone = std::function<void(const QString &path)>;
    // Asks for the output file, starting from `suggestedPath`. The default
    // opens a window-modal native save dialog with open(), so the console
    // never runs a nested event loop. Tests call `done` at once.
    using FileChooser =
        std::function<void(QWidget *parent, const QString &suggestedPath, FileDone done)>;
    // Opens the finished file; the default is QDesktopServices::openUrl.
    using FileOpener = std::function<void(const QString &path)>;

    ExportDialog(const QString &storePath, const QString &batchId, const QString &batchName,
                 QWidget *parent = nullptr);
    ~ExportDialog() override;

    void setFileChooser(FileChooser chooser) { m_chooseFile = std::move(chooser); }
    void setFileOpener(FileOpener opener) { m_openFile = std::move(opener); }

    ReportKind kind() const;
    void setKind(ReportKind kind);
    QString outputPath() const;
    void setOutputPath(const QString &path);

    bool isRunning() const { return m_watcher.isRunning(); }
    // The outcome of the last export; rows is 0 before the first one.
    ExportOutcome lastOutcome() const { return m_lastOutcome; }

public Q_SLOTS:
    void startExport();
    void cancelExport();

Q_SIGNALS:
    void exportFinished(const Dialdeck::ExportOutcome &outcome);

protected:
    void reject() override;

private:
    void chooseFile();
    void updateButtons();
    void onProgressChanged(int done);
    void onFinished();
    QString suggestedFileName() const;

    QString m_storePath;
    QString m_batchId;
    QString m_batchName;
    QRadioButton *m_callsKind = nullptr;
    QRadioButton *m_attemptsKind = nullptr;
    QButtonGroup *m_kindGroup = nullptr;
    QLineEdit *m_pathEdit = nullptr;
    QPushButton *m_browseButton = nullptr;
    QCheckBox *m_openWhenDone = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_closeButton = nullptr;
    FileChooser m_chooseFile;
    FileOpener m_openFile;
    QFutureWatcher<ExportOutcome> m_watcher;
    // Read by the writer thread between rows; each export gets a new flag.
    std::shared_ptr<std::atomic<bool>> m_cancelRequested = std::make_shared<std::atomic<bool>>(false);
    ExportOutcome m_lastOutcome;
};

} // namespace Dialdeck
