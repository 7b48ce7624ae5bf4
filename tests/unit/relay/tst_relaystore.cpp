#include "relay/relaystore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 DayMs = 24LL * 3600 * 1000;

RelayEvent hangup(qint64 receivedAtMs)
{
    RelayEvent event;
    event.channel = u"office"_s;
    event.kind = u"hangup"_s;
    event.receivedAtMs = receivedAtMs;
    event.method = u"POST"_s;
    event.url = u"https://relay.example.com/plivo/office/hangup?attempt=1"_s;
    event.body = "CallUUID=abc&HangupCause=NORMAL_CLEARING";
    event.contentType = u"application/x-www-form-urlencoded"_s;
    event.callUuid = u"abc"_s;
    return event;
}

} // namespace

class TestRelayStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void channelTokenIsCheckedAgainstHash();
    void channelNameIsValidated();
    void appendNumbersEventsPerChannel();
    void replayedNonceIsRejected();
    void eventsSurviveReopen();
    void pruneKeepsSeqCounting();
    void failedAppendStoresNothing();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RelayStore> m_store;
    QString m_token;
};

void TestRelayStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    Result<std::unique_ptr<RelayStore>> opened = RelayStore::open(m_dir->filePath(u"r.sqlite"_s));
    QVERIFY(opened.ok());
    m_store = std::move(opened).value();
    Result<QString> token = m_store->addChannel(u"office"_s, u"/etc/token"_s, AnswerAction{}, 1);
    QVERIFY(token.ok());
    m_token = *token;
}

void TestRelayStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestRelayStore::channelTokenIsCheckedAgainstHash()
{
    QCOMPARE(m_token.size(), 43);
    QVERIFY(m_store->tokenMatches(u"office"_s, m_token.toLatin1()));
    QVERIFY(!m_store->tokenMatches(u"office"_s, m_token.toLatin1() + 'x'));
    QVERIFY(!m_store->tokenMatches(u"other"_s, m_token.toLatin1()));

    Result<QString> again = m_store->addChannel(u"office"_s, u"/etc/token"_s, AnswerAction{}, 2);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, u"conflict"_s);
}

void TestRelayStore::channelNameIsValidated()
{
    QVERIFY(RelayStore::isValidChannelName(u"office-2_b"_s));
    QVERIFY(!RelayStore::isValidChannelName(u""_s));
    QVERIFY(!RelayStore::isValidChannelName(u"a/b"_s));
    QVERIFY(!RelayStore::isValidChannelName(QString(65, u'a')));
    QVERIFY(!m_store->addChannel(u"bad name"_s, u"/t"_s, AnswerAction{}, 1).ok());
}

void TestRelayStore::appendNumbersEventsPerChannel()
{
    QVERIFY(m_store->addChannel(u"branch"_s, u"/t"_s, AnswerAction{}, 1).ok());
    QCOMPARE(*m_store->append(hangup(1000), u"n1"_s, "s1"), 1);
    QCOMPARE(*m_store->append(hangup(1001), u"n2"_s, "s2"), 2);
    RelayEvent other = hangup(1002);
    other.channel = u"branch"_s;
    QCOMPARE(*m_store->append(other, u"n3"_s, "s3"), 1);

    Result<QList<RelayEvent>> after = m_store->eventsAfter(u"office"_s, 1, 10);
    QVERIFY(after.ok());
    QCOMPARE(after->size(), 1);
    QCOMPARE(after->first().seq, 2);
    QCOMPARE(after->first().body, hangup(0).body);
    QCOMPARE(after->first().callUuid, u"abc"_s);

    RelayEvent unknown = hangup(1003);
    unknown.channel = u"nowhere"_s;
    QCOMPARE(m_store->append(unknown, u"n4"_s, "s4").error().code, u"not_found"_s);
}

void TestRelayStore::replayedNonceIsRejected()
{
    QVERIFY(m_store->append(hangup(1000), u"n1"_s, "sig").ok());
    Result<qint64> replay = m_store->append(hangup(2000), u"n1"_s, "sig");
    QVERIFY(!replay.ok());
    QCOMPARE(replay.error().code, u"replayed"_s);
    QCOMPARE(m_store->eventsAfter(u"office"_s, 0, 10)->size(), 1);

    // The same nonce with another signature, or after the replay window, is new.
    QVERIFY(m_store->append(hangup(3000), u"n1"_s, "other").ok());
    QVERIFY(m_store->append(hangup(1000 + RelayStore::ReplayWindowMs + 1), u"n1"_s, "sig").ok());
}

void TestRelayStore::eventsSurviveReopen()
{
    QVERIFY(m_store->append(hangup(1000), u"n1"_s, "s1").ok());
    m_store.reset();
    Result<std::unique_ptr<RelayStore>> reopened =
        RelayStore::open(m_dir->filePath(u"r.sqlite"_s));
    QVERIFY(reopened.ok());
    m_store = std::move(reopened).value();
    QCOMPARE(m_store->eventsAfter(u"office"_s, 0, 10)->size(), 1);
    QCOMPARE(*m_store->append(hangup(1001), u"n2"_s, "s2"), 2);
    QVERIFY(m_store->tokenMatches(u"office"_s, m_token.toLatin1()));
}

void TestRelayStore::pruneKeepsSeqCounting()
{
    for (int i = 0; i < 5; ++i)
        QVERIFY(m_store->append(hangup(i * DayMs), u"n%1"_s.arg(i), "s").ok());

    // Older than two days at day 4: events 1 and 2 (days 0, 1) go.
    QCOMPARE(*m_store->prune(4 * DayMs, 2 * DayMs + 1, 100), 2);
    QCOMPARE(*m_store->firstSeq(u"office"_s), 3);
    // At most one event: 3 and 4 go.
    QCOMPARE(*m_store->prune(4 * DayMs, 100 * DayMs, 1), 2);
    QCOMPARE(*m_store->firstSeq(u"office"_s), 5);
    QCOMPARE(*m_store->prune(4 * DayMs + 1, 0, 100), 1);
    QCOMPARE(*m_store->firstSeq(u"office"_s), 6);
    QCOMPARE(*m_store->append(hangup(5 * DayMs), u"n9"_s, "s"), 6);
}

void TestRelayStore::failedAppendStoresNothing()
{
    m_store->setFailAppends(true);
    QCOMPARE(m_store->append(hangup(1000), u"n1"_s, "s1").error().code, u"store_failed"_s);
    m_store->setFailAppends(false);
    QCOMPARE(m_store->eventsAfter(u"office"_s, 0, 10)->size(), 0);
    QCOMPARE(*m_store->append(hangup(1000), u"n1"_s, "s1"), 1);
}

QTEST_GUILESS_MAIN(TestRelayStore)
#include "tst_relaystore.moc"
