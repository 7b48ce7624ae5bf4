#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace Dialdeck {

// Replaceable ways of asking the operator something. The defaults open
// window-modal native dialogs with open(), so product code never runs a
// nested event loop; tests install functions that answer at once.
struct DialogSeams
{
    // Receives the chosen file, or an empty string when the operator cancels.
    using FileDone = std::function<void(const QString &path)>;
    using FileChooser = std::function<void(QWidget *parent, const QString &caption,
                                           const QString &nameFilter, FileDone done)>;
    using ConfirmDone = std::function<void(bool confirmed)>;
    using Confirmer = std::function<void(QWidget *parent, const QString &title,
                                         const QString &question, ConfirmDone done)>;

    FileChooser chooseOpenFile = defaultOpenFileChooser();
    Confirmer confirm = defaultConfirmer();

    static FileChooser defaultOpenFileChooser();
    static Confirmer defaultConfirmer();
};

} // namespace Dialdeck
