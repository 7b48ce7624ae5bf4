#include "dialogseams.h"

#include <QFileDialog>
#include <QMessageBox>

namespace Dialdeck {

DialogSeams::FileChooser DialogSeams::defaultOpenFileChooser()
{
    return [](QWidget *parent, const QString &caption, const QString &nameFilter, FileDone done) {
        auto *dialog = new QFileDialog(parent, caption, QString(), nameFilter);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::ExistingFile);
        dialog->setAcceptMode(QFileDialog::AcceptOpen);

        // finished() arrives on both accept and cancel, exactly once.
        QObject::connect(dialog, &QFileDialog::finished, dialog, [dialog, done](int result) {
            const QStringList files = dialog->selectedFiles();
            if (result == QDialog::Accepted && !files.isEmpty())
                done(files.first());
            else
                done(QString());
        });
        dialog->open();
    };
}

DialogSeams::Confirmer DialogSeams::defaultConfirmer()
{
    return [](QWidget *parent, const QString &title, const QString &question, ConfirmDone done) {
        auto *box = new QMessageBox(QMessageBox::Question, title, question,
                                    QMessageBox::Yes | QMessageBox::No, parent);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setDefaultButton(QMessageBox::No);
        QObject::connect(box, &QMessageBox::finished, box, [box, done] {
            done(box->standardButton(box->clickedButton()) == QMessageBox::Yes);
        });
        box->open();
    };
}

} // namespace Dialdeck
