#include "webhooksdialog.h"

#include "consolewebhooks.h"
#include "core/ids.h"
#include "store/batchrepository.h"
#include "store/webhookdeliveryrepository.h"
#include "store/webhookendpointrepository.h"
#include "webhooks/webhookendpointcheck.h"
#include "webhooks/webhooksecretstore.h"

#include <QClipboard>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

enum EndpointColumn
{
    UrlColumn,
    BatchColumn,
    StateColumn,
    PendingColumn,
    FailedColumn,
    DeliveredColumn,
    SecretColumn,
    IdColumn,
    EndpointColumnCount,
};

enum FailedColumn
{
    FailedUrlColumn,
    FailedBatchColumn,
    FailedSequenceColumn,
    FailedEventColumn,
    FailedTriesColumn,
    FailedStatusColumn,
    FailedNextTryColumn,
    FailedErrorColumn,
    FailedColumnCount,
};

// Item data roles of the endpoint table's first column.
constexpr int EnabledRole = Qt::UserRole;
constexpr int LocationRole = Qt::UserRole + 1;
// Failed deliveries listed at most; the newest come first.
constexpr int FailedRowLimit = 200;
// Bytes of a generated secret, shown as twice as many hexadecimal digits.
constexpr int GeneratedSecretBytes = 32;
constexpr QLatin1StringView KeychainPrefix("keychain:");

QTableWidget *createTable(const QString &objectName, const QString &accessibleName,
                          const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()));
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setHorizontalHeaderLabels(headers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QString localTime(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

} // namespace

WebhooksDialog::WebhooksDialog(QString connectionName, DialogSeams seams,
                               SecretKeychain keychain, ConsoleWebhooks *webhooks, QWidget *parent)
    : QDialog(parent)
    , m_connectionName(std::move(connectionName))
    , m_seams(std::move(seams))
    , m_keychain(std::move(keychain))
    , m_webhooks(webhooks)
{
    setObjectName(u"webhooksDialog"_s);
    setWindowTitle(tr("Webhooks"));

    m_problem = new QLabel;
    m_problem->setObjectName(u"webhooksProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_problem->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createEndpointGroup());
    layout->addWidget(createAddGroup());
    layout->addWidget(createFailedGroup());
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(500);
    connect(&m_reloadTimer, &QTimer::timeout, this, &WebhooksDialog::reload);
    if (m_webhooks) {
        connect(m_webhooks, &ConsoleWebhooks::deliveryAttempted, this, [this] {
            if (!m_reloadTimer.isActive())
                m_reloadTimer.start();
        });
    }
    reload();
}

QWidget *WebhooksDialog::createEndpointGroup()
{
    auto *group = new QGroupBox(tr("Endpoints"));
    auto *layout = new QVBoxLayout(group);

    auto *intro = new QLabel(tr("While the engine runs, each batch and call event is POSTed to "
                                "these endpoints, signed with the endpoint's secret, in order "
                                "per batch. Failed deliveries are tried again."));
    intro->setWordWrap(true);

    m_endpoints = createTable(u"webhookEndpointsTable"_s, tr("Webhook endpoints"),
                              {tr("URL"), tr("Batches"), tr("State"), tr("Pending"),
                               tr("Failed"), tr("Delivered"), tr("Secret"), tr("Endpoint id")});

    m_toggle = new QPushButton(tr("&Disable"));
    m_toggle->setObjectName(u"toggleEndpointButton"_s);
    m_toggle->setToolTip(tr("Stop or resume sending events to the selected endpoint"));
    m_remove = new QPushButton(tr("&Remove"));
    m_remove->setObjectName(u"removeEndpointButton"_s);
    m_remove->setToolTip(tr("Delete the selected endpoint and its undelivered events"));
    auto *row = new QHBoxLayout;
    row->addWidget(m_toggle);
    row->addWidget(m_remove);
    row->addStretch();

    layout->addWidget(intro);
    layout->addWidget(m_endpoints);
    layout->addLayout(row);

    connect(m_endpoints, &QTableWidget::itemSelectionChanged, this, &WebhooksDialog::updateButtons);
    connect(m_toggle, &QPushButton::clicked, this, &WebhooksDialog::toggleEndpoint);
    connect(m_remove, &QPushButton::clicked, this, &WebhooksDialog::removeEndpoint);
    return group;
}

QWidget *WebhooksDialog::createAddGroup()
{
    auto *group = new QGroupBox(tr("Add an endpoint"));
    auto *form = new QFormLayout(group);

    m_url = new QLineEdit;
    m_url->setObjectName(u"webhookUrlEdit"_s);
    m_url->setAccessibleName(tr("Endpoint URL"));
    m_url->setPlaceholderText(tr("https://crm.example.com/dialdeck-events"));
    form->addRow(tr("&URL:"), m_url);

    m_batch = new QLineEdit;
    m_batch->setObjectName(u"webhookBatchEdit"_s);
    m_batch->setAccessibleName(tr("Batch id, empty for every batch"));
    m_batch->setPlaceholderText(tr("Every batch"));
    form->addRow(tr("&Batch id:"), m_batch);

    m_secret = new QLineEdit;
    m_secret->setObjectName(u"webhookSecretEdit"_s);
    m_secret->setAccessibleName(tr("Signing secret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("At least %1 characters").arg(WebhookSecretStore::MinSecretBytes));
    m_generate = new QPushButton(tr("&Generate"));
    m_generate->setObjectName(u"generateSecretButton"_s);
    m_generate->setToolTip(tr("Fill in a random secret"));
    m_copy = new QPushButton(tr("&Copy"));
    m_copy->setObjectName(u"copySecretButton"_s);
    m_copy->setToolTip(tr("Copy the secret, to configure the receiving endpoint with it"));
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret);
    secretRow->addWidget(m_generate);
    secretRow->addWidget(m_copy);
    form->addRow(tr("&Secret:"), secretRow);

    m_add = new QPushButton(tr("&Add Endpoint"));
    m_add->setObjectName(u"addEndpointButton"_s);
    m_add->setToolTip(tr("Save the secret in the system keychain and add the endpoint"));
    form->addRow(QString(), m_add);

    connect(m_url, &QLineEdit::textChanged, this, &WebhooksDialog::updateButtons);
    connect(m_secret, &QLineEdit::textChanged, this, &WebhooksDialog::updateButtons);
    connect(m_generate, &QPushButton::clicked, this, &WebhooksDialog::generateSecret);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_secret->text()); });
    connect(m_add, &QPushButton::clicked, this, &WebhooksDialog::addEndpoint);
    return group;
}

QWidget *WebhooksDialog::createFailedGroup()
{
    auto *group = new QGroupBox(tr("Failed deliveries"));
    auto *layout = new QVBoxLayout(group);

    m_failed = createTable(u"failedDeliveriesTable"_s, tr("Failed webhook deliveries"),
                           {tr("URL"), tr("Batch"), tr("Sequence"), tr("Event"), tr("Tries"),
                            tr("Last status"), tr("Next try"), tr("Last error")});

    m_retry = new QPushButton(tr("Retry &Now"));
    m_retry->setObjectName(u"retryFailedButton"_s);
    m_retry->setToolTip(tr("Send every failed delivery again now instead of after its wait"));
    auto *row = new QHBoxLayout;
    row->addWidget(m_retry);
    row->addStretch();

    layout->addWidget(m_failed);
    layout->addLayout(row);

    connect(m_retry, &QPushButton::clicked, this, &WebhooksDialog::retryFailed);
    return group;
}

void WebhooksDialog::reload()
{
    reloadEndpoints();
    reloadFailed();
    updateButtons();
}

void WebhooksDialog::reloadEndpoints()
{
    // NOTE: the counts are read on the UI thread. They use the outbox's
    // undelivered-row index, but the delivered count reads every delivered
    // row of the endpoint, which may take noticeable time (not measured) past
    // a million rows.
    const QString selected = selectedEndpointId();
    Result<QList<WebhookEndpointSummary>> endpoints = WebhookEndpointRepository(database()).list();
    if (!endpoints) {
        showProblem(endpoints.error().message);
        return;
    }

    m_endpoints->setRowCount(int(endpoints->size()));
    for (int row = 0; row < endpoints->size(); ++row) {
        const WebhookEndpointSummary &summary = endpoints->at(row);
        const WebhookEndpoint &endpoint = summary.endpoint;
        auto *url = new QTableWidgetItem(endpoint.url);
        url->setData(EnabledRole, endpoint.enabled);
        url->setData(LocationRole, endpoint.secretLocation);
        m_endpoints->setItem(row, UrlColumn, url);
        m_endpoints->setItem(row, BatchColumn, new QTableWidgetItem(
                                                   endpoint.batchId.isEmpty() ? tr("All")
                                                                              : endpoint.batchId));
        m_endpoints->setItem(row, StateColumn, new QTableWidgetItem(
                                                   endpoint.enabled ? tr("Enabled") : tr("Disabled")));
        m_endpoints->setItem(row, PendingColumn,
                             new QTableWidgetItem(QString::number(summary.pending)));
        m_endpoints->setItem(row, FailedColumn, new QTableWidgetItem(QString::number(summary.failed)));
        m_endpoints->setItem(row, DeliveredColumn,
                             new QTableWidgetItem(QString::number(summary.delivered)));
        m_endpoints->setItem(row, SecretColumn,
                             new QTableWidgetItem(endpoint.secretLocation.startsWith(KeychainPrefix)
                                                      ? tr("Keychain")
                                                      : tr("File")));
        m_endpoints->setItem(row, IdColumn, new QTableWidgetItem(endpoint.id));
        if (endpoint.id == selected)
            m_endpoints->selectRow(row);
    }
    m_endpoints->resizeColumnsToContents();
}

void WebhooksDialog::reloadFailed()
{
    Result<QList<WebhookDelivery>> failed = WebhookDeliveryRepository(database()).list(
        WebhookDeliveryRepository::Filter::Failed, FailedRowLimit);
    if (!failed) {
        showProblem(failed.error().message);
        return;
    }

    m_failed->setRowCount(int(failed->size()));
    for (int row = 0; row < failed->size(); ++row) {
        const WebhookDelivery &delivery = failed->at(row);
        m_failed->setItem(row, FailedUrlColumn, new QTableWidgetItem(delivery.url));
        m_failed->setItem(row, FailedBatchColumn, new QTableWidgetItem(delivery.batchId));
        m_failed->setItem(row, FailedSequenceColumn,
                          new QTableWidgetItem(QString::number(delivery.sequence)));
        m_failed->setItem(row, FailedEventColumn, new QTableWidgetItem(delivery.kind));
        m_failed->setItem(row, FailedTriesColumn,
                          new QTableWidgetItem(QString::number(delivery.attemptCount)));
        m_failed->setItem(row, FailedStatusColumn,
                          new QTableWidgetItem(delivery.lastStatus
                                                   ? QString::number(*delivery.lastStatus)
                                                   : tr("None")));
        m_failed->setItem(row, FailedNextTryColumn,
                          new QTableWidgetItem(localTime(delivery.nextAttemptAtMs)));
        m_failed->setItem(row, FailedErrorColumn, new QTableWidgetItem(delivery.lastError));
    }
    m_failed->resizeColumnsToContents();
}

void WebhooksDialog::addEndpoint()
{
    const QString url = m_url->text().trimmed();
    if (const std::optional<QString> problem = WebhookEndpointCheck::urlProblem(url)) {
        showProblem(*problem);
        return;
    }

    const QString batchId = m_batch->text().trimmed();
    if (!batchId.isEmpty()) {
        if (!Ids::isValid(batchId)) {
            showProblem(tr("The batch id \"%1\" is not 24 lowercase hexadecimal digits; leave it "
                           "empty for every batch.")
                            .arg(batchId));
            return;
        }
        Result<std::optional<Batch>> batch = BatchRepository(database()).find(batchId);
        if (!batch) {
            showProblem(batch.error().message);
            return;
        }
        if (!batch->has_value()) {
            showProblem(tr("Batch %1 does not exist.").arg(batchId));
            return;
        }
    }

    const QByteArray secret = m_secret->text().toUtf8();
    if (secret.size() < WebhookSecretStore::MinSecretBytes) {
        showProblem(tr("The secret has %1 bytes; use at least %2, or press Generate.")
                        .arg(secret.size())
                        .arg(WebhookSecretStore::MinSecretBytes));
        return;
    }

    // The endpoint is saved only once its secret is in the keychain, so no
    // endpoint ever points at a secret that does not exist.
    const QString id = Ids::generate();
    const QString key = u"webhook/"_s + id;
    m_add->setEnabled(false);
    QPointer<WebhooksDialog> self(this);
    m_keychain.write(key, secret, [self, id, url, batchId, key, secret](const QString &error) {
        if (!self)
            return;
        if (!error.isEmpty()) {
            self->showProblem(tr("The secret could not be saved in the system keychain: %1 The "
                                 "endpoint was not added.")
                                  .arg(error));
            self->updateButtons();
            return;
        }
        self->saveEndpoint(id, url, batchId, WebhookSecretStore::keychainLocation(key), secret);
    });
}

void WebhooksDialog::saveEndpoint(const QString &id, const QString &url, const QString &batchId,
                                  const QString &location, const QByteArray &secret)
{
    WebhookEndpoint endpoint;
    endpoint.id = id;
    endpoint.url = url;
    endpoint.batchId = batchId;
    endpoint.secretLocation = location;
    endpoint.createdAt = QDateTime::currentDateTimeUtc();
    if (Result<void> saved = WebhookEndpointRepository(database()).insert(endpoint); !saved) {
        m_keychain.remove(location.mid(KeychainPrefix.size()), [](const QString &) {});
        showProblem(saved.error().message);
        updateButtons();
        return;
    }

    if (m_webhooks)
        m_webhooks->provideSecret(location, secret);
    m_url->clear();
    m_batch->clear();
    m_secret->clear();
    if (WebhookEndpointCheck::isUnencryptedRemote(QUrl(url))) {
        showProblem(tr("Added. %1 uses plain http, so the events (with the numbers called) cross "
                       "the network unencrypted; use https outside a trusted network.")
                        .arg(url));
    } else {
        showProblem(QString());
    }
    reload();
    Q_EMIT endpointAdded(id);
}

void WebhooksDialog::toggleEndpoint()
{
    const QString id = selectedEndpointId();
    if (id.isEmpty())
        return;

    const bool enabled = m_endpoints->item(selectedRow(), UrlColumn)->data(EnabledRole).toBool();
    if (Result<void> saved = WebhookEndpointRepository(database()).setEnabled(id, !enabled); !saved) {
        showProblem(saved.error().message);
        return;
    }
    if (!enabled && m_webhooks)
        m_webhooks->wake();
    reload();
}

void WebhooksDialog::removeEndpoint()
{
    const QString id = selectedEndpointId();
    if (id.isEmpty())
        return;
    const QTableWidgetItem *urlItem = m_endpoints->item(selectedRow(), UrlColumn);
    const QString location = urlItem->data(LocationRole).toString();
    const QString url = urlItem->text();

    QPointer<WebhooksDialog> self(this);
    m_seams.confirm(this, tr("Remove Endpoint"),
                    tr("Remove the endpoint %1? Its undelivered events are dropped.").arg(url),
                    [self, id, location](bool confirmed) {
                        if (!self || !confirmed)
                            return;
                        Result<qint64> removed = WebhookEndpointRepository(self->database()).remove(id);
                        if (!removed) {
                            self->showProblem(removed.error().message);
                            return;
                        }
                        if (location.startsWith(KeychainPrefix)) {
                            self->m_keychain.remove(location.mid(KeychainPrefix.size()),
                                                    [](const QString &) {});
                            if (self->m_webhooks)
                                self->m_webhooks->forgetSecret(location);
                        }
                        self->showProblem(QString());
                        self->reload();
                    });
}

void WebhooksDialog::retryFailed()
{
    Result<qint64> due = WebhookDeliveryRepository(database()).retryFailedNow(
        QString(), QDateTime::currentMSecsSinceEpoch());
    if (!due) {
        showProblem(due.error().message);
        return;
    }

    if (m_webhooks)
        m_webhooks->wake();
    showProblem(m_webhooks && m_webhooks->isRunning()
                    ? tr("%n failed deliveries are being sent again.", nullptr, int(*due))
                    : tr("%n failed deliveries are due now; they are sent once the engine runs.",
                         nullptr, int(*due)));
    reload();
}

void WebhooksDialog::generateSecret()
{
    QByteArray bytes(GeneratedSecretBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          GeneratedSecretBytes / int(sizeof(quint32)));
    m_secret->setText(QString::fromLatin1(bytes.toHex()));
}

void WebhooksDialog::showProblem(const QString &message)
{
    m_problem->setText(message);
    m_problem->setVisible(!message.isEmpty());
}

QSqlDatabase WebhooksDialog::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

int WebhooksDialog::selectedRow() const
{
    const QList<QTableWidgetItem *> selected = m_endpoints->selectedItems();
    return selected.isEmpty() ? -1 : selected.first()->row();
}

QString WebhooksDialog::selectedEndpointId() const
{
    const int row = selectedRow();
    const QTableWidgetItem *id = row >= 0 ? m_endpoints->item(row, IdColumn) : nullptr;
    return id ? id->text() : QString();
}

void WebhooksDialog::updateButtons()
{
    const int row = selectedRow();
    const bool hasSelection = row >= 0;
    const bool enabled = hasSelection
                         && m_endpoints->item(row, UrlColumn)->data(EnabledRole).toBool();
    m_toggle->setEnabled(hasSelection);
    m_toggle->setText(hasSelection && !enabled ? tr("&Enable") : tr("&Disable"));
    m_remove->setEnabled(hasSelection);
    m_retry->setEnabled(m_failed->rowCount() > 0);
    m_add->setEnabled(!m_url->text().trimmed().isEmpty() && !m_secret->text().isEmpty());
}

} // namespace Dialdeck
