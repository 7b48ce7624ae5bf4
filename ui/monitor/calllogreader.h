#pragma once

#include "calllogquery.h"
#include "store/connection.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <memory>

namespace Dialdeck {

// One call as the call log shows it.
struct CallLogRow
{
    qint64 id = 0;
    QString name;
    QString e164;
    QList<QByteArray> timeZones;
    CallStatus status = CallStatus::Pending;
    int attemptCount = 0;
    QString lastCallerE164;
    QString lastOutcome;
    // Engine time the call is next due, ms since epoch UTC; -1 when not scheduled.
    qint64 nextDueMs = -1;
    QString skipReason;
};

// Reads the call log from the store on the call log's own thread, through
// its own read-only connection. Every request carries the generation of the
// model state it was made for. Requests for an older generation than the
// newest one announced are skipped, so a fast typist does not queue work.
//
// Between refreshes the reader keeps the ordered call ids of the current
// query, 8 bytes a call or 8 MB for a million calls. A page at any scroll
// position is then one lookup of 256 ids in the primary key, not an OFFSET scan.
class CallLogReader final : public QObject
{
    Q_OBJECT

public:
    static constexpr int PageSize = 256;

    explicit CallLogReader(QObject *parent = nullptr);
    ~CallLogReader() override;

    // The newest generation the model has asked for; callable from any thread.
    void announceGeneration(quint64 generation) { m_latestGeneration = generation; }

    // The request functions run on the reader's thread.
    void open(const QString &storePath);
    // Counts the matching calls, then reads their ordered ids.
    void prepare(quint64 generation, const Dialdeck::CallLogQuery &query);
    void fetchPage(quint64 generation, int page);
    void loadFilterChoices(const QString &batchId);

Q_SIGNALS:
    void openFinished(const QString &errorMessage);
    void counted(quint64 generation, qint64 count);
    void keysReady(quint64 generation, qint64 count);
    void pageFetched(quint64 generation, int page, const QList<Dialdeck::CallLogRow> &rows);
    void failed(quint64 generation, const QString &message);
    void filterChoicesReady(const QString &batchId, const QStringList &callerNumbers,
                            const QStringList &timeZones);

private:
    bool isStale(quint64 generation) const { return generation < m_latestGeneration; }
    bool readKeys(quint64 generation, const CallLogQuery &query);

    std::unique_ptr<Connection> m_connection;
    QVector<qint64> m_keys;
    quint64 m_keysGeneration = 0;
    std::atomic<quint64> m_latestGeneration = 0;
};

} // namespace Dialdeck

Q_DECLARE_METATYPE(Dialdeck::CallLogRow)
Q_DECLARE_METATYPE(Dialdeck::CallLogQuery)
