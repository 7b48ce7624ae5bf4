#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace Dialdeck {

class MainWindow;

// Walks the main window through its views and saves a PNG of each, for the
// documentation: setup, caller numbers, import preview, settings, the
// dashboard while a batch runs and after it completed, and the call log.
// Needs a selected batch that can start (the --demo batch). Quits the
// application when done; the exit code is 0 when every capture was saved.
class ScreenshotTour final : public QObject
{
    Q_OBJECT

public:
    ScreenshotTour(MainWindow *window, const QString &folder, const QString &demoFile);

    // Starts once the demo batch and the engine are ready.
    void start();

private:
    using Step = std::function<void()>;

    void next();
    void after(int ms, Step step);
    bool save(QWidget *widget, const QString &name);
    void finish();

    void captureSetupViews();
    void captureImportDialog();
    void captureSettingsDialog();
    void startCalling();
    void captureRunning();
    void captureCompleted();

    MainWindow *m_window = nullptr;
    QString m_folder;
    QString m_demoFile;
    QList<Step> m_steps;
    int m_failures = 0;
};

} // namespace Dialdeck
