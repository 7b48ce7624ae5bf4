#pragma once

#include "core/batchconfig.h"
#include "dialogseams.h"
#include "import/importtypes.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QHash>
#include <QSet>

#include <atomic>
#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace Dialdeck {

// Imports a contact file into a new batch. The operator picks a file and
// sees, before anything is stored, the detected format, an editable column
// mapping, the first rows as they would be stored (E.164 and time zones)
// and every rejected row with its line and reason. Preview and import run on
// worker threads, each with its own store connection.
class ImportDialog final : public QDialog
{
    Q_OBJECT

public:
    // Rows shown in the preview table; the counts cover the whole file.
    static constexpr int PreviewRowLimit = 50;

    ImportDialog(const QString &storePath, const QString &ownerUserId, const BatchConfig &defaults,
                 QWidget *parent = nullptr);
    ~ImportDialog() override;

    void setFileChooser(DialogSeams::FileChooser chooser) { m_chooseFile = std::move(chooser); }

    QString filePath() const { return m_filePath; }
    // Reads the file again with the current mapping, region and zone.
    void setFilePath(const QString &path);
    // The last preview, if one succeeded.
    const std::optional<ImportPreview> &preview() const { return m_preview; }
    bool isPreviewRunning() const { return m_previewWatcher.isRunning(); }
    bool isImportRunning() const { return m_importWatcher.isRunning(); }
    // The options Import would use now.
    ImportOptions options() const;

public Q_SLOTS:
    void chooseFile();
    void startImport();

Q_SIGNALS:
    void previewReady();
    void previewFailed(const QString &message);
    // The batch was stored; `summary` is a sentence for the log.
    void imported(const QString &batchId, const QString &summary);

protected:
    void reject() override;

private:
    // Shared with the import worker: rows done and the cancel request.
    struct ImportProgress
    {
        std::atomic<qint64> rowsDone = 0;
        std::atomic<bool> cancelled = false;
    };

    QWidget *createSourceGroup();
    QWidget *createMappingGroup();
    QWidget *createPreviewTabs();
    void schedulePreview();
    void runPreview();
    void showPreview(const Result<ImportPreview> &result);
    void fillMapping(const ImportPreview &preview);
    void fillRows(const ImportPreview &preview);
    void fillRejected(const ImportPreview &preview);
    void onImportFinished();
    void updateProgress();
    void updateButtons();

    QString m_storePath;
    QString m_ownerUserId;
    BatchConfig m_defaults;
    QString m_filePath;
    DialogSeams::FileChooser m_chooseFile = DialogSeams::defaultOpenFileChooser();
    std::optional<ImportPreview> m_preview;
    QString m_previewError;
    bool m_filling = false;
    bool m_previewAgain = false;
    bool m_nameEdited = false;
    std::shared_ptr<ImportProgress> m_importProgress;

    QLineEdit *m_fileEdit = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_formatLabel = nullptr;
    QLineEdit *m_batchName = nullptr;
    QLineEdit *m_region = nullptr;
    QComboBox *m_timeZone = nullptr;
    // Field name (see toString(ContactField)) -> its column combo.
    QHash<QString, QComboBox *> m_mappingCombos;
    // Fields whose column the operator chose; the others keep the importer's detection.
    QSet<QString> m_chosenFields;
    QLabel *m_summary = nullptr;
    QTableWidget *m_rowsTable = nullptr;
    QTableWidget *m_rejectedTable = nullptr;
    QProgressBar *m_progress = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_importButton = nullptr;
    QTimer *m_previewDelay = nullptr;
    QTimer *m_progressTimer = nullptr;
    QFutureWatcher<Result<ImportPreview>> m_previewWatcher;
    QFutureWatcher<Result<ImportSummary>> m_importWatcher;
};

} // namespace Dialdeck
