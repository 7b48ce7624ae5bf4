#include "usersdialog.h"

#include "api/apiusers.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

enum Column
{
    NameColumn,
    PermissionColumn,
    TokensColumn,
    IdColumn,
    ColumnCount,
};

// Maximum token lifetime offered, in days (ten years), as on the command line.
constexpr int MaxExpiryDays = 3650;

} // namespace

UsersDialog::UsersDialog(QString connectionName, DialogSeams seams, QWidget *parent)
    : QDialog(parent)
    , m_connectionName(std::move(connectionName))
    , m_seams(std::move(seams))
{
    setObjectName(u"usersDialog"_s);
    setWindowTitle(tr("REST API Users"));

    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(u"usersTable"_s);
    m_table->setAccessibleName(tr("REST API users"));
    m_table->setHorizontalHeaderLabels(
        {tr("Name"), tr("Calling Management"), tr("Usable tokens"), tr("User id")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_newToken = new QPushButton(tr("&New Token"));
    m_newToken->setObjectName(u"newTokenButton"_s);
    m_newToken->setToolTip(tr("Revoke the selected user's tokens and issue a new one"));
    m_revoke = new QPushButton(tr("&Revoke Tokens"));
    m_revoke->setObjectName(u"revokeTokensButton"_s);
    m_revoke->setToolTip(tr("Revoke every token of the selected user"));
    auto *rowButtons = new QHBoxLayout;
    rowButtons->addWidget(m_newToken);
    rowButtons->addWidget(m_revoke);
    rowButtons->addStretch();

    m_problem = new QLabel;
    m_problem->setObjectName(u"usersProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_problem->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addLayout(rowButtons);
    layout->addWidget(createAddGroup());
    layout->addWidget(createTokenGroup());
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &UsersDialog::updateButtons);
    connect(m_newToken, &QPushButton::clicked, this, &UsersDialog::issueNewToken);
    connect(m_revoke, &QPushButton::clicked, this, &UsersDialog::revokeTokens);
    reload();
}

QWidget *UsersDialog::createAddGroup()
{
    auto *group = new QGroupBox(tr("Add a user"));
    auto *form = new QFormLayout(group);

    m_name = new QLineEdit;
    m_name->setObjectName(u"userNameEdit"_s);
    m_name->setAccessibleName(tr("New user's name"));
    m_name->setPlaceholderText(tr("e.g. CRM integration"));
    form->addRow(tr("&Name:"), m_name);

    m_callingManagement = new QCheckBox(tr("May start, pause, resume and stop calling"));
    m_callingManagement->setObjectName(u"callingManagementCheck"_s);
    m_callingManagement->setChecked(true);
    form->addRow(tr("Calling Management:"), m_callingManagement);

    m_expiryDays = new QSpinBox;
    m_expiryDays->setObjectName(u"expiryDaysSpin"_s);
    m_expiryDays->setRange(0, MaxExpiryDays);
    m_expiryDays->setSpecialValueText(tr("Never"));
    m_expiryDays->setSuffix(tr(" days"));
    m_expiryDays->setAccessibleName(tr("Token expires after, in days"));
    form->addRow(tr("Token &expires after:"), m_expiryDays);

    m_add = new QPushButton(tr("&Add User"));
    m_add->setObjectName(u"addUserButton"_s);
    m_add->setEnabled(false);
    form->addRow(QString(), m_add);

    connect(m_name, &QLineEdit::textChanged, this, &UsersDialog::updateButtons);
    connect(m_add, &QPushButton::clicked, this, &UsersDialog::addUser);
    return group;
}

QWidget *UsersDialog::createTokenGroup()
{
    m_tokenGroup = new QGroupBox(tr("New token"));
    m_tokenGroup->setObjectName(u"tokenGroup"_s);
    auto *layout = new QVBoxLayout(m_tokenGroup);

    m_tokenLabel = new QLabel;
    m_tokenLabel->setWordWrap(true);
    m_token = new QLineEdit;
    m_token->setObjectName(u"newTokenEdit"_s);
    m_token->setReadOnly(true);
    m_token->setAccessibleName(tr("New token"));
    m_copy = new QPushButton(tr("&Copy"));
    m_copy->setObjectName(u"copyTokenButton"_s);
    auto *row = new QHBoxLayout;
    row->addWidget(m_token);
    row->addWidget(m_copy);
    layout->addWidget(m_tokenLabel);
    layout->addLayout(row);
    m_tokenGroup->hide();

    connect(m_copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_token->text()); });
    return m_tokenGroup;
}

void UsersDialog::reload()
{
    const QString selected = selectedUserId();
    Result<QList<ApiUserSummary>> users = ApiUsers::list(database());
    if (!users) {
        showProblem(users.error().message);
        return;
    }

    m_table->setRowCount(int(users->size()));
    for (int row = 0; row < users->size(); ++row) {
        const ApiUserSummary &summary = users->at(row);
        m_table->setItem(row, NameColumn, new QTableWidgetItem(summary.user.name));
        m_table->setItem(
            row, PermissionColumn,
            new QTableWidgetItem(summary.user.canManageCalling ? tr("Yes") : tr("No")));
        m_table->setItem(row, TokensColumn,
                         new QTableWidgetItem(QString::number(summary.usableTokens)));
        m_table->setItem(row, IdColumn, new QTableWidgetItem(summary.user.id));
        if (summary.user.id == selected)
            m_table->selectRow(row);
    }
    m_table->resizeColumnsToContents();
    updateButtons();
}

void UsersDialog::addUser()
{
    const QDateTime expiresAt = m_expiryDays->value() > 0
                                    ? QDateTime::currentDateTimeUtc().addDays(m_expiryDays->value())
                                    : QDateTime();
    Result<NewApiUser> created = ApiUsers::add(database(), m_name->text(), QString(),
                                               m_callingManagement->isChecked(), expiresAt);
    if (!created) {
        showProblem(created.error().message);
        return;
    }

    m_name->clear();
    showToken(created->user.name, created->token);
    reload();
}

void UsersDialog::issueNewToken()
{
    const QString userId = selectedUserId();
    const QString userName = selectedUserName();
    if (userId.isEmpty())
        return;

    Result<std::pair<IssuedToken, int>> rotated = ApiUsers::rotate(database(), userId, QDateTime());
    if (!rotated) {
        showProblem(rotated.error().message);
        return;
    }
    showToken(userName, rotated->first);
    reload();
}

void UsersDialog::revokeTokens()
{
    const QString userId = selectedUserId();
    if (userId.isEmpty())
        return;

    const QString question = tr("Revoke every token of %1? Programs that use them get 401 from "
                                "then on.")
                                 .arg(selectedUserName());
    m_seams.confirm(this, tr("Revoke Tokens"), question, [this, userId](bool confirmed) {
        if (!confirmed)
            return;
        Result<int> revoked = ApiUsers::revokeTokens(database(), userId);
        if (!revoked) {
            showProblem(revoked.error().message);
            return;
        }
        m_problem->hide();
        reload();
    });
}

void UsersDialog::showToken(const QString &userName, const IssuedToken &token)
{
    // The token is shown only here and now; the store keeps its hash alone.
    m_tokenLabel->setText(tr("Token of %1. Copy it now: it is not shown again.").arg(userName));
    m_token->setText(token.text);
    m_tokenGroup->show();
    m_problem->hide();
}

void UsersDialog::showProblem(const QString &message)
{
    m_problem->setText(message);
    m_problem->show();
}

QString UsersDialog::selectedUserId() const
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty())
        return {};
    return m_table->item(selected.first()->row(), IdColumn)->text();
}

QString UsersDialog::selectedUserName() const
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty())
        return {};
    return m_table->item(selected.first()->row(), NameColumn)->text();
}

QSqlDatabase UsersDialog::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

void UsersDialog::updateButtons()
{
    const bool hasSelection = !selectedUserId().isEmpty();
    m_newToken->setEnabled(hasSelection);
    m_revoke->setEnabled(hasSelection);
    m_add->setEnabled(!m_name->text().trimmed().isEmpty());
}

} // namespace Dialdeck
