// The operator console: parses the command line and opens the main window.

#include "consoleoptions.h"
#include "core/logging.h"
#include "mainwindow.h"
#include "screenshottour.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// Returns the options, or an error sentence for the first invalid value.
std::pair<Dialdeck::ConsoleOptions, QString> parseArguments(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Operator console of Dialdeck: import call lists, choose caller numbers, "
                "start calling and watch the progress."));
    parser.addHelpOption();
    parser.addVersionOption();

    const QCommandLineOption dbOption(
        u"db"_s, QCoreApplication::translate("main", "Store file to open (created when missing)."), u"PATH"_s);
    const QCommandLineOption speedOption(
        u"speed"_s,
        QCoreApplication::translate("main", "Simulated clock speed: 1 is real time, 60 runs a minute per "
                                            "second, 0 runs as fast as possible."),
        u"N"_s);
    const QCommandLineOption demoOption(
        u"demo"_s,
        QCoreApplication::translate("main", "Contact file imported as \"Demo batch\" when the store has no "
                                            "batches, with two simulated caller numbers."),
        u"FILE"_s);
    QCommandLineOption screenshotOption(
        u"screenshot-dir"_s,
        QCoreApplication::translate("main", "Capture the main views as PNG files into this folder, then quit."),
        u"DIR"_s);
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({dbOption, speedOption, demoOption, screenshotOption});
    parser.process(app);

    Dialdeck::ConsoleOptions options;
    if (parser.isSet(dbOption))
        options.storePath = QFileInfo(parser.value(dbOption)).absoluteFilePath();
    if (parser.isSet(speedOption)) {
        bool ok = false;
        const double speed = parser.value(speedOption).toDouble(&ok);
        if (!ok || speed < 0.0) {
            return {options, QCoreApplication::translate("main", "Invalid --speed value \"%1\"; give a number of "
                                                                 "0 or more, e.g. --speed 60.")
                                 .arg(parser.value(speedOption))};
        }
        options.clockSpeed = speed;
    }
    if (parser.isSet(demoOption)) {
        const QFileInfo demo(parser.value(demoOption));
        if (!demo.isFile()) {
            return {options, QCoreApplication::translate("main", "The demo file \"%1\" was not found; give the "
                                                                 "path of a contact file, e.g. "
                                                                 "tests/data/google-contacts.csv.")
                                 .arg(parser.value(demoOption))};
        }
        options.demoFile = demo.absoluteFilePath();
    }
    if (parser.isSet(screenshotOption))
        options.screenshotDir = QFileInfo(parser.value(screenshotOption)).absoluteFilePath();
    return {options, QString()};
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"Dialdeck"_s);
    QCoreApplication::setApplicationName(u"dialdeck"_s);
    QCoreApplication::setApplicationVersion(u"" DIALDECK_VERSION ""_s);

    const auto [options, error] = parseArguments(app);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "dialdeck: %s\n", qPrintable(error));
        return 2;
    }

    Dialdeck::MainWindow window(options);
    window.show();

    if (!options.screenshotDir.isEmpty()) {
        auto *tour = new Dialdeck::ScreenshotTour(&window, options.screenshotDir, options.demoFile);
        tour->start();
    }
    return app.exec();
}
