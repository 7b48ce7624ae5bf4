#pragma once

#include "dialogseams.h"

#include <QDialog>
#include <QSqlDatabase>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QWidget;

namespace Dialdeck {

struct IssuedToken;

// Manages the users of the REST API (`dialdeck-service serve`): lists them
// with the number of usable tokens, adds one and shows its token once with a
// copy button, issues a new token, and revokes a user's tokens. Changes are
// saved at once, each in a short transaction, on the console's store
// connection named `connectionName`. The dialog keeps no handle of that
// connection between actions, so it may outlive the connection.
class UsersDialog final : public QDialog
{
    Q_OBJECT

public:
    UsersDialog(QString connectionName, DialogSeams seams, QWidget *parent = nullptr);

private:
    QWidget *createAddGroup();
    QWidget *createTokenGroup();
    void reload();
    void addUser();
    void issueNewToken();
    void revokeTokens();
    void showToken(const QString &userName, const IssuedToken &token);
    void showProblem(const QString &message);
    QString selectedUserId() const;
    QString selectedUserName() const;
    void updateButtons();
    QSqlDatabase database() const;

    QString m_connectionName;
    DialogSeams m_seams;
    QTableWidget *m_table = nullptr;
    QLineEdit *m_name = nullptr;
    QCheckBox *m_callingManagement = nullptr;
    QSpinBox *m_expiryDays = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_newToken = nullptr;
    QPushButton *m_revoke = nullptr;
    QWidget *m_tokenGroup = nullptr;
    QLabel *m_tokenLabel = nullptr;
    QLineEdit *m_token = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_problem = nullptr;
};

} // namespace Dialdeck
