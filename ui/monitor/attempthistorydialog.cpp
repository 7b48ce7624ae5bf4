#include "attempthistorydialog.h"

#include "monitortext.h"
#include "store/connection.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Result<AttemptHistory> loadHistory(const QString &storePath, qint64 callId)
{
    Result<Connection> connection =
        Connection::openSqlite(storePath, u"attempt-history"_s, Connection::Mode::ReadOnly);
    if (!connection)
        return connection.error();
    return AttemptHistoryLoader::load(connection->database(), callId);
}

QString timeOrEmpty(const QDateTime &time, const QTimeZone &zone)
{
    if (!time.isValid())
        return {};
    return MonitorText::dateTime(time.toMSecsSinceEpoch(), zone);
}

} // namespace

AttemptHistoryDialog::AttemptHistoryDialog(const QString &storePath, qint64 callId,
                                           QWidget *parent)
    : QDialog(parent), m_callId(callId)
{
    setObjectName(u"attemptHistoryDialog"_s);
    setWindowTitle(tr("Attempts of call %1").arg(callId));

    m_summary = new QLabel(tr("Reading the attempts…"), this);
    m_summary->setObjectName(u"attemptHistorySummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(u"attemptHistoryTable"_s);
    m_table->setAccessibleName(tr("Attempts of the call"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->setHorizontalHeaderLabels({tr("Attempt"), tr("Started (callee time)"),
                                        tr("Started (UTC)"), tr("Caller number"), tr("Outcome"),
                                        tr("Hangup cause"), tr("Ring s"), tr("Talk s"), tr("Cost"),
                                        tr("Allowed by")});
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(900, 360);

    connect(&m_watcher, &QFutureWatcher<Result<AttemptHistory>>::finished, this,
            [this] { showHistory(m_watcher.result()); });
    m_watcher.setFuture(QtConcurrent::run(loadHistory, storePath, callId));
}

AttemptHistoryDialog::~AttemptHistoryDialog()
{
    // The loader only reads one call, so waiting for it here is short.
    m_watcher.waitForFinished();
}

void AttemptHistoryDialog::showHistory(const Result<AttemptHistory> &history)
{
    m_loaded = true;

    if (!history) {
        m_summary->setText(history.error().message);
        Q_EMIT loaded();
        return;
    }

    const QByteArray calleeZone =
        history->timeZones.isEmpty() ? QByteArray("UTC") : history->timeZones.constFirst();
    m_summary->setText(tr("%1, %2, zone %3, status %4, attempts: %5")
                           .arg(history->name.isEmpty() ? tr("(no name)") : history->name,
                                history->e164, QString::fromUtf8(calleeZone),
                                MonitorText::callStatus(history->status))
                           .arg(history->attempts.size()));

    m_table->setRowCount(int(history->attempts.size()));
    for (int row = 0; row < history->attempts.size(); ++row)
        fillRow(row, history->attempts.at(row), calleeZone);
    m_table->resizeColumnsToContents();
    Q_EMIT loaded();
}

void AttemptHistoryDialog::fillRow(int row, const Attempt &attempt, const QByteArray &calleeZone)
{
    const QTimeZone zone(calleeZone);
    const QString outcome = attempt.outcome ? MonitorText::outcome(toString(*attempt.outcome))
                                            : MonitorText::outcome(toString(attempt.state));

    const QStringList cells = {
        QString::number(attempt.attemptNumber),
        timeOrEmpty(attempt.createdAt, zone),
        timeOrEmpty(attempt.createdAt, QTimeZone::utc()),
        attempt.callerE164,
        outcome,
        attempt.hangupCause,
        QString::number(attempt.ringSeconds),
        QString::number(attempt.talkSeconds),
        QString::number(attempt.cost, 'f', 4),
        attempt.allowedRule,
    };
    for (int column = 0; column < cells.size(); ++column) {
        auto *item = new QTableWidgetItem(cells.at(column));
        if (column == AllowedRuleColumn)
            item->setToolTip(attempt.allowedRule);
        m_table->setItem(row, column, item);
    }
}

} // namespace Dialdeck
