#include "screenshottour.h"

#include "core/logging.h"
#include "importdialog.h"
#include "mainwindow.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Maximum wait for the demo batch to finish, in ms of wall time.
constexpr int CompletionTimeoutMs = 120000;

} // namespace

ScreenshotTour::ScreenshotTour(MainWindow *window, const QString &folder, const QString &demoFile)
    : QObject(window)
    , m_window(window)
    , m_folder(folder)
    , m_demoFile(demoFile)
{
    m_steps = {
        [this] { captureSetupViews(); },
        [this] { captureImportDialog(); },
        [this] { captureSettingsDialog(); },
        [this] { startCalling(); },
        [this] { captureRunning(); },
        [this] { captureCompleted(); },
    };
}

void ScreenshotTour::start()
{
    QDir().mkpath(m_folder);

    // Both the engine and the demo batch must be ready; whichever comes last starts the tour.
    auto tryStart = [this] {
        if (m_window->isEngineOpen() && !m_window->currentBatchId().isEmpty() && !m_steps.isEmpty()
            && m_window->property("tourStarted").isNull()) {
            m_window->setProperty("tourStarted", true);
            after(1000, [this] { next(); });
        }
    };
    connect(m_window, &MainWindow::engineOpened, this, tryStart);
    connect(m_window, &MainWindow::demoReady, this, tryStart);
    connect(m_window, &MainWindow::batchesRefreshed, this, tryStart);
    tryStart();
}

void ScreenshotTour::next()
{
    if (m_steps.isEmpty()) {
        finish();
        return;
    }
    Step step = m_steps.takeFirst();
    step();
}

void ScreenshotTour::after(int ms, Step step)
{
    QTimer::singleShot(ms, this, std::move(step));
}

bool ScreenshotTour::save(QWidget *widget, const QString &name)
{
    const QString path = QDir(m_folder).filePath(name + u".png"_s);
    if (!widget->grab().save(path)) {
        qCWarning(lcUi) << "Saving the screenshot" << path << "failed";
        ++m_failures;
        return false;
    }
    qCInfo(lcUi) << "Saved" << path;
    return true;
}

void ScreenshotTour::captureSetupViews()
{
    m_window->viewTabs()->setCurrentIndex(0);
    after(500, [this] {
        save(m_window, u"setup"_s);
        m_window->viewTabs()->setCurrentIndex(1);
        after(500, [this] {
            save(m_window, u"caller-numbers"_s);
            next();
        });
    });
}

void ScreenshotTour::captureImportDialog()
{
    const QString file = m_demoFile;
    m_window->dialogSeams().chooseOpenFile = [file](QWidget *, const QString &, const QString &,
                                                    DialogSeams::FileDone done) { done(file); };
    m_window->importContacts();
    ImportDialog *dialog = m_window->importDialog();
    if (!dialog) {
        ++m_failures;
        next();
        return;
    }
    auto capture = [this, dialog] {
        after(500, [this, dialog] {
            save(dialog, u"import-preview"_s);
            dialog->close();
            next();
        });
    };
    if (dialog->preview())
        capture();
    else
        connect(dialog, &ImportDialog::previewReady, this, capture, Qt::SingleShotConnection);
}

void ScreenshotTour::captureSettingsDialog()
{
    m_window->showSettings();
    after(500, [this] {
        if (SettingsDialog *dialog = m_window->settingsDialog()) {
            save(dialog, u"settings"_s);
            dialog->close();
        } else {
            ++m_failures;
        }
        next();
    });
}

void ScreenshotTour::startCalling()
{
    m_window->viewTabs()->setCurrentIndex(2);
    m_window->startCalling();
    if (!m_window->startBlockedReason().isEmpty())
        qCWarning(lcUi) << "Start Calling is blocked:" << m_window->startBlockedReason();
    next();
}

void ScreenshotTour::captureRunning()
{
    after(4000, [this] {
        save(m_window, u"dashboard-running"_s);
        next();
    });
}

void ScreenshotTour::captureCompleted()
{
    auto *timeout = new QTimer(this);
    timeout->setSingleShot(true);
    auto *poll = new QTimer(this);
    poll->setInterval(500);

    auto capture = [this, timeout, poll] {
        timeout->stop();
        poll->stop();
        after(1500, [this] {
            save(m_window, u"dashboard-completed"_s);
            m_window->viewTabs()->setCurrentIndex(3);
            after(2000, [this] {
                save(m_window, u"call-log"_s);
                next();
            });
        });
    };
    connect(poll, &QTimer::timeout, this, [this, capture] {
        const std::optional<Batch> batch = m_window->currentBatch();
        if (batch && batch->status == BatchStatus::Completed)
            capture();
    });
    connect(timeout, &QTimer::timeout, this, [this, capture] {
        qCWarning(lcUi) << "The demo batch did not complete in time; capturing its current state";
        ++m_failures;
        capture();
    });
    poll->start();
    timeout->start(CompletionTimeoutMs);
}

void ScreenshotTour::finish()
{
    m_window->close();
    QCoreApplication::exit(m_failures == 0 ? 0 : 1);
}

} // namespace Dialdeck
