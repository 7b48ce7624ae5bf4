#pragma once

#include "dialogseams.h"
#include "secretkeychain.h"

#include <QDialog>
#include <QPointer>
#include <QSqlDatabase>
#include <QString>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace Dialdeck {

class ConsoleWebhooks;

// Manages the endpoints of the outbound progress webhooks. It lists them with
// their pending, failed and delivered events, adds one with its signing secret
// kept in the OS keychain, and enables, disables and removes one. It also lists
// the failed deliveries with their last error and makes them due at once. Changes
// are saved through the console's own store connection, named
// `connectionName` and looked up at each use, in short statements.
// `webhooks` (may be null) is told about new secrets and retries.
class WebhooksDialog final : public QDialog
{
    Q_OBJECT

public:
    WebhooksDialog(QString connectionName, DialogSeams seams, SecretKeychain keychain,
                   ConsoleWebhooks *webhooks, QWidget *parent = nullptr);

    // Reads the endpoints and failed deliveries again.
    void reload();

Q_SIGNALS:
    // An endpoint was added, after its secret was saved in the keychain.
    void endpointAdded(const QString &endpointId);

private:
    QWidget *createEndpointGroup();
    QWidget *createAddGroup();
    QWidget *createFailedGroup();
    void reloadEndpoints();
    void reloadFailed();
    void addEndpoint();
    void saveEndpoint(const QString &id, const QString &url, const QString &batchId,
                      const QString &location, const QByteArray &secret);
    void toggleEndpoint();
    void removeEndpoint();
    void retryFailed();
    void generateSecret();
    void showProblem(const QString &message);
    // The selected endpoint's row, or -1.
    int selectedRow() const;
    QString selectedEndpointId() const;
    void updateButtons();

    QSqlDatabase database() const;

    QString m_connectionName;
    DialogSeams m_seams;
    SecretKeychain m_keychain;
    QPointer<ConsoleWebhooks> m_webhooks;
    // Merges the reloads requested by a burst of delivery tries.
    QTimer m_reloadTimer{this};

    QTableWidget *m_endpoints = nullptr;
    QPushButton *m_toggle = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_retry = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_batch = nullptr;
    QLineEdit *m_secret = nullptr;
    QPushButton *m_generate = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_add = nullptr;
    QTableWidget *m_failed = nullptr;
    QLabel *m_problem = nullptr;
};

} // namespace Dialdeck
