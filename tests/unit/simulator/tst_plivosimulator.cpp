#include "callbackreceiver.h"
#include "restclient.h"

#include "simulator/cdrfilter.h"
#include "simulator/plivosimulator.h"
#include "simulator/queryparams.h"
#include "simulator/seededdraw.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray token = "sim-unit-test-token-0123456789";
const QString from = u"+14155550100"_s;

// Settings that play a call out in well under a second: at 600 simulated
// seconds per second, 1 s of setup takes 1.7 ms and 30 s of talk 50 ms.
SimulatorSettings fastSettings()
{
    SimulatorSettings settings;
    settings.listenPort = 0;
    settings.authToken = token;
    settings.speed = 600;
    settings.callsPerSecond = 1000;
    settings.setupTime = {1, 1};
    settings.ringTime = {3, 3};
    settings.noAnswerTime = {30, 30};
    settings.talkTime = {30, 30};
    settings.mix = OutcomeMix{1, 0, 0, 0, 0, 0, 0};
    return settings;
}

OutcomeMix onlyOutcome(double answered, double busy, double noAnswer, double failed,
                       double machine)
{
    return OutcomeMix{answered, busy, noAnswer, failed, machine, 0, 0};
}

QStringList keysOf(const PlivoSignature::Params &params)
{
    QStringList keys;
    for (const auto &pair : params)
        keys.append(pair.first);
    return keys;
}

QList<QJsonObject> readJournal(const QString &path)
{
    QList<QJsonObject> lines;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace

// Runs the simulator in-process on 127.0.0.1, drives it through its REST API
// as a Plivo client would, and receives its callbacks on a local web server.
class TestPlivoSimulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void requestWithoutCredentialsGets401();
    void requestWithWrongCredentialsGets401_data();
    void requestWithWrongCredentialsGets401();
    void createWithBadParameterGets400_data();
    void createWithBadParameterGets400();
    void unknownPathGets404();
    void wrongMethodGets405();

    void answeredCallSendsSignedCallbacks();
    void getCallbackCarriesFieldsInQuery();
    void formBodyCreatesCall();
    void bulkCreateReturnsRequestUuidArray();
    void callsOverCpsAreQueuedThenDialed();
    void restLimitAnswers429();

    void cdrListPagesAndFilters();
    void cdrOfOneCall();
    void liveCallLookups();
    void queuedCallLookupAndCancel();
    void hangupOfAnsweredCall();
    void hangupBeforeAnswerCancels();
    void hangupAllEndsEveryLiveCall();

    void busyCallEndsWithoutRinging();
    void ringTimeoutEndsUnansweredCall();
    void timeLimitEndsCall();
    void failingAnswerUrlUsesFallback();
    void unreachableAnswerUrlEndsWith7011();
    void invalidAnswerXmlEndsWith8011();
    void machineDetectionHangsUpMachine();
    void synchronousMachineDetectionMarksAnswer();
    void refusedConnectionIsRetried();
    void silentServerIsRetriedAfterReadTimeout();
    void serverErrorIsNotRetried();

    void journalRecordsPlacedAndEnded();
    void accountCreditsFallWithCosts();
    void numbersListPages();

    void dropFaultSendsNoCallbacks();
    void duplicateFaultSendsCallbacksTwice();
    void reorderFaultSendsHangupFirst();
    void delayFaultHoldsCallbacks();
    void error500FaultStillPlacesCall();
    void stallFaultAnswersLate();
    void sameSeedRepeatsOutcomes();
    void responsesCarryNodeSdkFields();

private:
    void startSimulator(const SimulatorSettings &settings);
    QJsonObject callBody(const QString &to, int attempt = 1) const;
    // Creates a call and returns its request_uuid through *requestUuid.
    void placeCall(const QJsonObject &body, QString *requestUuid);
    QString journalPath() const { return m_dir->filePath(u"journal.jsonl"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<CallbackReceiver> m_receiver;
    std::unique_ptr<PlivoSimulator> m_simulator;
    std::unique_ptr<RestClient> m_client;
};

void TestPlivoSimulator::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_receiver = std::make_unique<CallbackReceiver>();
    QVERIFY(m_receiver->listen());
}

void TestPlivoSimulator::cleanup()
{
    m_client.reset();
    m_simulator.reset();
    m_receiver.reset();
    m_dir.reset();
}

void TestPlivoSimulator::startSimulator(const SimulatorSettings &settings)
{
    m_simulator = std::make_unique<PlivoSimulator>(settings);
    const Result<quint16> started = m_simulator->start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
    m_client = std::make_unique<RestClient>(m_simulator->baseUrl(), settings.authId,
                                            settings.authToken);
}

QJsonObject TestPlivoSimulator::callBody(const QString &to, int attempt) const
{
    const QString query = u"?attempt=%1"_s.arg(attempt);
    return {
        {u"from"_s, from},
        {u"to"_s, to},
        {u"answer_url"_s, m_receiver->url(u"/answer"_s + query)},
        {u"ring_url"_s, m_receiver->url(u"/ring"_s + query)},
        {u"hangup_url"_s, m_receiver->url(u"/hangup"_s + query)},
    };
}

void TestPlivoSimulator::placeCall(const QJsonObject &body, QString *requestUuid)
{
    const RestResult result = m_client->post(u"Call/"_s, body);
    QCOMPARE(result.status, 201);
    QVERIFY(result.json.value(u"request_uuid"_s).isString());
    *requestUuid = result.json.value(u"request_uuid"_s).toString();
}

void TestPlivoSimulator::requestWithoutCredentialsGets401()
{
    startSimulator(fastSettings());
    m_client->setCredentials(QString(), QByteArray());

    const RestResult result = m_client->get(QString());

    QCOMPARE(result.status, 401);
    QVERIFY(result.json.value(u"error"_s).isString());
}

void TestPlivoSimulator::requestWithWrongCredentialsGets401_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QString>("pathAuthId");

    const QString authId = SimulatorSettings().authId;
    QTest::newRow("wrong token") << authId << QByteArray("not-the-token") << authId;
    QTest::newRow("wrong auth id") << u"MAXXXXXXXXXXXXXXXXXX"_s << token << authId;
    QTest::newRow("other account in path") << authId << token << u"MAXXXXXXXXXXXXXXXXXX"_s;
}

void TestPlivoSimulator::requestWithWrongCredentialsGets401()
{
    QFETCH(QString, user);
    QFETCH(QByteArray, password);
    QFETCH(QString, pathAuthId);
    startSimulator(fastSettings());
    m_client->setCredentials(user, password);

    const RestResult result = m_client->send("GET", u"/v1/Account/%1/Call/"_s.arg(pathAuthId));

    QCOMPARE(result.status, 401);
    QVERIFY(result.json.value(u"error"_s).toString().contains(u"authentication failed"));
}

void TestPlivoSimulator::createWithBadParameterGets400_data()
{
    QTest::addColumn<QString>("removed");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expectedText");

    QTest::newRow("no to") << u"to"_s << QString() << QString() << u"to parameter is missing"_s;
    QTest::newRow("no answer_url") << u"answer_url"_s << QString() << QString()
                                   << u"answer_url parameter is missing"_s;
    QTest::newRow("no from") << u"from"_s << QString() << QString()
                             << u"from parameter is missing"_s;
    QTest::newRow("bad answer_method") << QString() << u"answer_method"_s << u"PUT"_s
                                       << u"answer_method"_s;
    QTest::newRow("relative hangup_url") << QString() << u"hangup_url"_s << u"/hangup"_s
                                         << u"hangup_url"_s;
    QTest::newRow("text ring_timeout") << QString() << u"ring_timeout"_s << u"soon"_s
                                       << u"ring_timeout"_s;
    QTest::newRow("letters in to") << QString() << u"to"_s << u"call-me"_s << u"to"_s;
    QTest::newRow("bad machine_detection") << QString() << u"machine_detection"_s << u"maybe"_s
                                           << u"machine_detection"_s;
    QTest::newRow("short machine_detection_time")
        << QString() << u"machine_detection_time"_s << u"500"_s << u"machine_detection_time"_s;
}

void TestPlivoSimulator::createWithBadParameterGets400()
{
    QFETCH(QString, removed);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, expectedText);
    startSimulator(fastSettings());

    QJsonObject body = callBody(u"+14155551234"_s);
    if (!removed.isEmpty())
        body.remove(removed);
    if (!key.isEmpty())
        body.insert(key, value);
    const RestResult result = m_client->post(u"Call/"_s, body);

    QCOMPARE(result.status, 400);
    QVERIFY(result.json.value(u"api_id"_s).isString());
    QVERIFY2(result.json.value(u"error"_s).toString().contains(expectedText), result.body);
    QCOMPARE(m_simulator->account().liveCalls().size(), 0);
}

void TestPlivoSimulator::unknownPathGets404()
{
    startSimulator(fastSettings());

    const RestResult unknown = m_client->send("GET", m_client->accountPath() + u"Conference/"_s);
    const RestResult noSlash = m_client->send("GET", m_client->accountPath() + u"Call"_s);
    const RestResult noCall = m_client->get(u"Call/00000000-0000-0000-0000-000000000000/"_s);

    QCOMPARE(unknown.status, 404);
    QVERIFY(unknown.json.value(u"api_id"_s).isString());
    QCOMPARE(noSlash.status, 404);
    QVERIFY(noSlash.json.value(u"error"_s).toString().contains(u"slash"));
    QCOMPARE(noCall.status, 404);
}

void TestPlivoSimulator::wrongMethodGets405()
{
    startSimulator(fastSettings());

    const RestResult put = m_client->send("PUT", m_client->accountPath() + u"Call/"_s);
    const RestResult post = m_client->send("POST", m_client->accountPath() + u"Number/"_s);

    QCOMPARE(put.status, 405);
    QVERIFY(put.json.value(u"api_id"_s).isString());
    QCOMPARE(post.status, 405);
}

void TestPlivoSimulator::answeredCallSendsSignedCallbacks()
{
    startSimulator(fastSettings());

    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s, 42), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);

    const ReceivedCallback ring = m_receiver->receivedOn(u"/ring"_s).value(0);
    const ReceivedCallback answer = m_receiver->receivedOn(u"/answer"_s).value(0);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QVERIFY(m_receiver->indexOf(u"/ring"_s) < m_receiver->indexOf(u"/answer"_s));
    QVERIFY(m_receiver->indexOf(u"/answer"_s) < m_receiver->indexOf(u"/hangup"_s));

    for (const ReceivedCallback &callback : {ring, answer, hangup}) {
        QCOMPARE(callback.method, QByteArray("POST"));
        QVERIFY2(callback.signatureValid(token), qPrintable(callback.url));
        QVERIFY(!callback.signatureValid("another-token"));
        QVERIFY(callback.url.endsWith(u"?attempt=42"));
        QCOMPARE(callback.value(u"RequestUUID"_s), requestUuid);
        QCOMPARE(callback.value(u"ALegRequestUUID"_s), requestUuid);
        QCOMPARE(callback.value(u"From"_s), from);
        QCOMPARE(callback.value(u"To"_s), u"+14155551234"_s);
        QCOMPARE(callback.value(u"Direction"_s), u"outbound"_s);
        QVERIFY(!callback.value(u"CallUUID"_s).isEmpty());
        QVERIFY(callback.has(u"SessionStart"_s));
    }
    QCOMPARE(ring.value(u"Event"_s), u"Ring"_s);
    QCOMPARE(ring.value(u"CallStatus"_s), u"ringing"_s);
    QCOMPARE(answer.value(u"Event"_s), u"StartApp"_s);
    QCOMPARE(answer.value(u"CallStatus"_s), u"in-progress"_s);
    QCOMPARE(answer.value(u"BillRate"_s), u"0.00850"_s);
    QCOMPARE(answer.value(u"ALegUUID"_s), answer.value(u"CallUUID"_s));

    const QStringList hangupKeys = keysOf(hangup.params);
    for (const QString &key :
         {u"Event"_s, u"CallStatus"_s, u"StartTime"_s, u"AnswerTime"_s, u"EndTime"_s,
          u"HangupCause"_s, u"Duration"_s, u"BillDuration"_s, u"HangupCauseName"_s,
          u"HangupCauseCode"_s, u"HangupSource"_s, u"BillRate"_s, u"TotalCost"_s,
          u"ALegUUID"_s, u"STIRAttestation"_s}) {
        QVERIFY2(hangupKeys.contains(key), qPrintable(key));
    }
    QCOMPARE(hangup.value(u"Event"_s), u"Hangup"_s);
    QCOMPARE(hangup.value(u"CallStatus"_s), u"completed"_s);
    QCOMPARE(hangup.value(u"HangupCause"_s), u"NORMAL_CLEARING"_s);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"4000"_s);
    QCOMPARE(hangup.value(u"HangupSource"_s), u"Call recipient"_s);
    QCOMPARE(hangup.value(u"Duration"_s), u"30"_s);
    QCOMPARE(hangup.value(u"BillDuration"_s), hangup.value(u"Duration"_s));
    QCOMPARE(hangup.value(u"TotalCost"_s), u"0.00850"_s);
    QVERIFY(QDateTime::fromString(hangup.value(u"EndTime"_s), u"yyyy-MM-dd HH:mm:ss"_s).isValid());
    QCOMPARE(ring.value(u"CallUUID"_s), hangup.value(u"CallUUID"_s));
}

void TestPlivoSimulator::getCallbackCarriesFieldsInQuery()
{
    startSimulator(fastSettings());

    QJsonObject body = callBody(u"+14155551234"_s, 7);
    body.insert(u"hangup_method"_s, u"GET"_s);
    body.insert(u"answer_method"_s, u"GET"_s);
    QString requestUuid;
    placeCall(body, &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);

    for (const QString &path : {u"/answer"_s, u"/hangup"_s}) {
        const ReceivedCallback callback = m_receiver->receivedOn(path).value(0);
        QCOMPARE(callback.method, QByteArray("GET"));
        QCOMPARE(callback.value(u"attempt"_s), u"7"_s);
        QCOMPARE(callback.value(u"RequestUUID"_s), requestUuid);
        QVERIFY2(callback.signatureValid(token), qPrintable(callback.url));
    }
}

void TestPlivoSimulator::formBodyCreatesCall()
{
    startSimulator(fastSettings());

    const QByteArray form = "from=%2B14155550100&to=14155551234&answer_url="
                            + QUrl::toPercentEncoding(m_receiver->url(u"/answer"_s));
    const RestResult result = m_client->send("POST", m_client->accountPath() + u"Call/"_s, form,
                                             "application/x-www-form-urlencoded");

    QCOMPARE(result.status, 201);
    QCOMPARE(result.json.value(u"message"_s).toString(), u"call fired"_s);
    QTRY_COMPARE(m_receiver->count(u"/answer"_s), 1);
    QCOMPARE(m_receiver->receivedOn(u"/answer"_s).value(0).value(u"To"_s), u"14155551234"_s);
}

void TestPlivoSimulator::bulkCreateReturnsRequestUuidArray()
{
    startSimulator(fastSettings());

    const RestResult result =
        m_client->post(u"Call/"_s, callBody(u"+14155551001<+14155551002<+14155551003"_s));

    QCOMPARE(result.status, 201);
    const QJsonArray uuids = result.json.value(u"request_uuid"_s).toArray();
    QCOMPARE(uuids.size(), 3);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 3);
    QSet<QString> received;
    for (const ReceivedCallback &hangup : m_receiver->receivedOn(u"/hangup"_s))
        received.insert(hangup.value(u"RequestUUID"_s) + u' ' + hangup.value(u"To"_s));
    for (int i = 0; i < 3; ++i)
        QVERIFY(received.contains(uuids[i].toString() + u" +1415555100"_s + QString::number(i + 1)));
}

void TestPlivoSimulator::callsOverCpsAreQueuedThenDialed()
{
    // One call every 2 s, so the second request finds no slot however slow
    // the machine is.
    SimulatorSettings settings = fastSettings();
    settings.callsPerSecond = 0.5;
    startSimulator(settings);

    const RestResult first = m_client->post(u"Call/"_s, callBody(u"+14155551001"_s));
    const RestResult second = m_client->post(u"Call/"_s, callBody(u"+14155551002"_s));

    QCOMPARE(first.json.value(u"message"_s).toString(), u"call fired"_s);
    QCOMPARE(second.status, 201);
    QCOMPARE(second.json.value(u"message"_s).toString(), u"call queued"_s);
    const RestResult queued = m_client->get(u"Call/"_s, QUrlQuery(u"status=queued"_s));
    QCOMPARE(queued.json.value(u"calls"_s).toArray().size(), 1);

    // The queued call is dialed when the next slot opens, about 2 s later.
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->count(u"/hangup"_s), 2, 6000);
    const RestResult empty = m_client->get(u"Call/"_s, QUrlQuery(u"status=queued"_s));
    QCOMPARE(empty.json.value(u"calls"_s).toArray().size(), 0);
    const QList<ReceivedCallback> hangups = m_receiver->receivedOn(u"/hangup"_s);
    QCOMPARE(hangups.value(1).value(u"To"_s), u"+14155551002"_s);
}

void TestPlivoSimulator::restLimitAnswers429()
{
    SimulatorSettings settings = fastSettings();
    settings.restLimit = 3;
    settings.restWindowMs = 60000;
    startSimulator(settings);

    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_client->get(QString()).status, 200);
    const RestResult limited = m_client->get(QString());

    QCOMPARE(limited.status, 429);
    QVERIFY(limited.json.value(u"api_id"_s).isString());
    QVERIFY(limited.json.value(u"error"_s).isString());
}

void TestPlivoSimulator::cdrListPagesAndFilters()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = onlyOutcome(0, 1, 0, 0, 0);
    startSimulator(settings);
    const RestResult created = m_client->post(
        u"Call/"_s, callBody(u"+14155551000<+14155551001<+14155551002<+14155551003<+14155551004"_s));
    QCOMPARE(created.status, 201);
    QTRY_COMPARE(m_simulator->account().cdrs().size(), 5);

    const RestResult first = m_client->get(u"Call/"_s, QUrlQuery(u"limit=2"_s));
    QCOMPARE(first.status, 200);
    const QJsonObject meta = first.json.value(u"meta"_s).toObject();
    QCOMPARE(meta.value(u"total_count"_s).toInt(), 5);
    QCOMPARE(first.json.value(u"objects"_s).toArray().size(), 2);
    QCOMPARE(meta.value(u"next"_s).toString(),
             m_client->accountPath() + u"Call/?limit=2&offset=2"_s);
    QVERIFY(meta.value(u"previous"_s).isNull());

    const RestResult last = m_client->get(u"Call/"_s, QUrlQuery(u"limit=2&offset=4"_s));
    QCOMPARE(last.json.value(u"objects"_s).toArray().size(), 1);
    QVERIFY(last.json.value(u"meta"_s).toObject().value(u"next"_s).isNull());
    QCOMPARE(last.json.value(u"meta"_s).toObject().value(u"previous"_s).toString(),
             m_client->accountPath() + u"Call/?limit=2&offset=2"_s);

    const auto count = [this](const QString &query) {
        return m_client->get(u"Call/"_s, QUrlQuery(query))
            .json.value(u"meta"_s)
            .toObject()
            .value(u"total_count"_s)
            .toInt(-1);
    };
    QCOMPARE(count(u"to_number=14155551003"_s), 1);
    QCOMPARE(count(u"to_number=%2B1415555100"_s), 5);
    QCOMPARE(count(u"from_number=14155550100"_s), 5);
    QCOMPARE(count(u"hangup_cause_code=3010"_s), 5);
    QCOMPARE(count(u"hangup_cause_code=4000"_s), 0);
    QCOMPARE(count(u"bill_duration__gt=0"_s), 0);
    QCOMPARE(count(u"bill_duration__lte=0"_s), 5);
    QCOMPARE(count(u"call_direction=inbound"_s), 0);

    const QDateTime tomorrow = QDateTime::currentDateTimeUtc().addDays(1);
    const QString tomorrowText = tomorrow.toString(u"yyyy-MM-dd HH:mm"_s);
    QUrlQuery future;
    future.addQueryItem(u"end_time__gte"_s, tomorrowText);
    QCOMPARE(m_client->get(u"Call/"_s, future).json.value(u"objects"_s).toArray().size(), 0);

    QUrlQuery wide;
    wide.addQueryItem(u"end_time__gte"_s, u"2020-01-01 00:00"_s);
    wide.addQueryItem(u"end_time__lte"_s, u"2020-03-01 00:00"_s);
    QCOMPARE(m_client->get(u"Call/"_s, wide).status, 400);
    QCOMPARE(m_client->get(u"Call/"_s, QUrlQuery(u"limit=21"_s)).status, 400);
    QCOMPARE(m_client->get(u"Call/"_s, QUrlQuery(u"end_time__gt=yesterday"_s)).status, 400);
}

void TestPlivoSimulator::cdrOfOneCall()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = onlyOutcome(0, 1, 0, 0, 0);
    settings.timeZone = u"Asia/Kolkata"_s;
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const QString callUuid = m_receiver->receivedOn(u"/hangup"_s).value(0).value(u"CallUUID"_s);

    const RestResult cdr = m_client->get(u"Call/%1/"_s.arg(callUuid));

    QCOMPARE(cdr.status, 200);
    QCOMPARE(cdr.json.value(u"call_uuid"_s).toString(), callUuid);
    QCOMPARE(cdr.json.value(u"hangup_cause_code"_s).toInt(), 3010);
    QCOMPARE(cdr.json.value(u"hangup_cause_name"_s).toString(), u"Busy Line"_s);
    QVERIFY(cdr.json.value(u"answer_time"_s).isNull());
    QCOMPARE(cdr.json.value(u"bill_duration"_s).toInt(), 0);
    QCOMPARE(cdr.json.value(u"total_amount"_s).toString(), u"0.00000"_s);
    QCOMPARE(cdr.json.value(u"to_number"_s).toString(), u"+14155551234"_s);
    QCOMPARE(cdr.json.value(u"from_number"_s).toString(), from);
    QCOMPARE(cdr.json.value(u"call_direction"_s).toString(), u"outbound"_s);
    QVERIFY(cdr.json.value(u"end_time"_s).toString().endsWith(u"+05:30"));
    QCOMPARE(cdr.json.value(u"resource_uri"_s).toString(),
             m_client->accountPath() + u"Call/"_s + callUuid + u'/');
    QVERIFY(cdr.json.value(u"api_id"_s).isString());
}

void TestPlivoSimulator::liveCallLookups()
{
    SimulatorSettings settings = fastSettings();
    settings.talkTime = {1200, 1200};
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/answer"_s), 1);
    const QString callUuid = m_receiver->receivedOn(u"/answer"_s).value(0).value(u"CallUUID"_s);

    const RestResult list = m_client->get(u"Call/"_s, QUrlQuery(u"status=live"_s));
    const RestResult filtered =
        m_client->get(u"Call/"_s, QUrlQuery(u"status=live&to_number=19995550000"_s));
    const RestResult one = m_client->get(u"Call/%1/"_s.arg(callUuid), QUrlQuery(u"status=live"_s));
    const RestResult noCdrYet = m_client->get(u"Call/%1/"_s.arg(callUuid));

    QCOMPARE(list.json.value(u"calls"_s).toArray(), QJsonArray{callUuid});
    QCOMPARE(filtered.json.value(u"calls"_s).toArray().size(), 0);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(u"call_status"_s).toString(), u"in-progress"_s);
    QCOMPARE(one.json.value(u"request_uuid"_s).toString(), requestUuid);
    QCOMPARE(one.json.value(u"direction"_s).toString(), u"outbound"_s);
    QCOMPARE(one.json.value(u"to"_s).toString(), u"+14155551234"_s);
    QCOMPARE(noCdrYet.status, 404);

    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->count(u"/hangup"_s), 1, 10000);
    QCOMPARE(m_client->get(u"Call/%1/"_s.arg(callUuid), QUrlQuery(u"status=live"_s)).status, 404);
    QCOMPARE(m_client->get(u"Call/%1/"_s.arg(callUuid)).status, 200);
}

void TestPlivoSimulator::queuedCallLookupAndCancel()
{
    SimulatorSettings settings = fastSettings();
    settings.callsPerSecond = 0.2;
    settings.journalPath = journalPath();
    startSimulator(settings);

    const RestResult created =
        m_client->post(u"Call/"_s, callBody(u"+14155551001<+14155551002"_s));
    QCOMPARE(created.json.value(u"message"_s).toString(), u"call queued"_s);
    const QString queuedRequest = created.json.value(u"request_uuid"_s).toArray()[1].toString();

    const RestResult list = m_client->get(u"Call/"_s, QUrlQuery(u"status=queued"_s));
    QCOMPARE(list.json.value(u"calls"_s).toArray().size(), 1);
    const QString callUuid = list.json.value(u"calls"_s).toArray()[0].toString();
    const RestResult one = m_client->get(u"Call/%1/"_s.arg(callUuid), QUrlQuery(u"status=queued"_s));
    QCOMPARE(one.json.value(u"call_status"_s).toString(), u"queued"_s);
    QCOMPARE(one.json.value(u"request_uuid"_s).toString(), queuedRequest);
    QCOMPARE(one.json.value(u"to"_s).toString(), u"+14155551002"_s);

    const RestResult cancel = m_client->remove(u"Request/%1/"_s.arg(queuedRequest));
    QCOMPARE(cancel.status, 204);
    QCOMPARE(m_client->get(u"Call/"_s, QUrlQuery(u"status=queued"_s))
                 .json.value(u"calls"_s)
                 .toArray()
                 .size(),
             0);
    QCOMPARE(m_client->remove(u"Request/%1/"_s.arg(queuedRequest)).status, 404);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    QCOMPARE(m_receiver->receivedOn(u"/hangup"_s).value(0).value(u"To"_s), u"+14155551001"_s);
    const QList<QJsonObject> journal = readJournal(journalPath());
    const auto canceled = std::find_if(journal.begin(), journal.end(), [&](const QJsonObject &line) {
        return line.value(u"event"_s) == u"ended"_s && line.value(u"call_uuid"_s) == callUuid;
    });
    QVERIFY(canceled != journal.end());
    QCOMPARE(canceled->value(u"call_status"_s).toString(), u"cancel"_s);
    QVERIFY(m_simulator->account().cdrs().find(callUuid) == nullptr);
}

void TestPlivoSimulator::hangupOfAnsweredCall()
{
    SimulatorSettings settings = fastSettings();
    settings.talkTime = {3000, 3000};
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/answer"_s), 1);
    const QString callUuid = m_receiver->receivedOn(u"/answer"_s).value(0).value(u"CallUUID"_s);

    const RestResult result = m_client->remove(u"Call/%1/"_s.arg(callUuid));

    QCOMPARE(result.status, 204);
    QVERIFY(result.body.isEmpty());
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"CallStatus"_s), u"completed"_s);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"4000"_s);
    QCOMPARE(hangup.value(u"HangupSource"_s), u"API Request"_s);
    QCOMPARE(m_client->remove(u"Call/%1/"_s.arg(callUuid)).status, 404);
}

void TestPlivoSimulator::hangupBeforeAnswerCancels()
{
    SimulatorSettings settings = fastSettings();
    settings.ringTime = {3000, 3000};
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/ring"_s), 1);
    const QString callUuid = m_receiver->receivedOn(u"/ring"_s).value(0).value(u"CallUUID"_s);

    QCOMPARE(m_client->remove(u"Call/%1/"_s.arg(callUuid)).status, 204);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"CallStatus"_s), u"cancel"_s);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"1000"_s);
    QCOMPARE(hangup.value(u"AnswerTime"_s), QString());
    QCOMPARE(hangup.value(u"Duration"_s), u"0"_s);
    QCOMPARE(m_receiver->count(u"/answer"_s), 0);
}

void TestPlivoSimulator::hangupAllEndsEveryLiveCall()
{
    SimulatorSettings settings = fastSettings();
    settings.talkTime = {3000, 3000};
    startSimulator(settings);
    const RestResult created =
        m_client->post(u"Call/"_s, callBody(u"+14155551001<+14155551002<+14155551003"_s));
    QCOMPARE(created.status, 201);
    QTRY_COMPARE(m_receiver->count(u"/answer"_s), 3);

    const RestResult result = m_client->remove(u"Call/"_s);

    QCOMPARE(result.status, 204);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 3);
    for (const ReceivedCallback &hangup : m_receiver->receivedOn(u"/hangup"_s)) {
        // Plivo reports cause 0, Unknown, for calls ended by this request.
        QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"0"_s);
        QCOMPARE(hangup.value(u"CallStatus"_s), u"completed"_s);
    }
    QCOMPARE(m_client->get(u"Call/"_s, QUrlQuery(u"status=live"_s))
                 .json.value(u"calls"_s)
                 .toArray()
                 .size(),
             0);
}

void TestPlivoSimulator::busyCallEndsWithoutRinging()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = onlyOutcome(0, 1, 0, 0, 0);
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"CallStatus"_s), u"busy"_s);
    QCOMPARE(hangup.value(u"HangupCause"_s), u"USER_BUSY"_s);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"3010"_s);
    QCOMPARE(hangup.value(u"BillDuration"_s), u"0"_s);
    QCOMPARE(m_receiver->count(u"/ring"_s), 0);
    QCOMPARE(m_receiver->count(u"/answer"_s), 0);
}

void TestPlivoSimulator::ringTimeoutEndsUnansweredCall()
{
    SimulatorSettings settings = fastSettings();
    settings.ringTime = {100, 100};
    startSimulator(settings);
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"ring_timeout"_s, 5);
    QString requestUuid;
    placeCall(body, &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"6010"_s);
    QCOMPARE(hangup.value(u"CallStatus"_s), u"no-answer"_s);
    QCOMPARE(m_receiver->count(u"/answer"_s), 0);
}

void TestPlivoSimulator::timeLimitEndsCall()
{
    SimulatorSettings settings = fastSettings();
    settings.talkTime = {600, 600};
    startSimulator(settings);
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"time_limit"_s, 20);
    QString requestUuid;
    placeCall(body, &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"6000"_s);
    QCOMPARE(hangup.value(u"CallStatus"_s), u"completed"_s);
    QCOMPARE(hangup.value(u"Duration"_s), u"20"_s);
}

void TestPlivoSimulator::failingAnswerUrlUsesFallback()
{
    startSimulator(fastSettings());
    m_receiver->setAnswer(u"/answer"_s, 503, "down", "text/plain");
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"fallback_url"_s, m_receiver->url(u"/fallback"_s));
    QString requestUuid;
    placeCall(body, &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    QCOMPARE(m_receiver->count(u"/answer"_s), 1);
    QCOMPARE(m_receiver->count(u"/fallback"_s), 1);
    const ReceivedCallback fallback = m_receiver->receivedOn(u"/fallback"_s).value(0);
    QCOMPARE(fallback.value(u"Event"_s), u"StartApp"_s);
    QVERIFY(fallback.signatureValid(token));
    QCOMPARE(m_receiver->receivedOn(u"/hangup"_s).value(0).value(u"HangupCauseCode"_s),
             u"4000"_s);
}

void TestPlivoSimulator::unreachableAnswerUrlEndsWith7011()
{
    startSimulator(fastSettings());
    m_receiver->setAnswer(u"/answer"_s, 404, "no such page", "text/plain");
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"7011"_s);
    QCOMPARE(hangup.value(u"HangupCauseName"_s), u"Error Reaching Answer URL"_s);
}

void TestPlivoSimulator::invalidAnswerXmlEndsWith8011()
{
    startSimulator(fastSettings());
    m_receiver->setAnswer(u"/answer"_s, 200, "<Reply><Say>Hi</Say></Reply>");
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"8011"_s);
    QCOMPARE(hangup.value(u"HangupCauseName"_s), u"Invalid Answer XML"_s);
}

void TestPlivoSimulator::machineDetectionHangsUpMachine()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = onlyOutcome(0, 0, 0, 0, 1);
    startSimulator(settings);
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"machine_detection"_s, u"hangup"_s);
    body.insert(u"machine_detection_url"_s, m_receiver->url(u"/machine"_s));
    QString requestUuid;
    placeCall(body, &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    QCOMPARE(m_receiver->count(u"/machine"_s), 1);
    const ReceivedCallback machine = m_receiver->receivedOn(u"/machine"_s).value(0);
    QCOMPARE(machine.value(u"Event"_s), u"MachineDetection"_s);
    QCOMPARE(machine.value(u"Machine"_s), u"true"_s);
    QCOMPARE(machine.value(u"IfMachine"_s), u"hangup"_s);
    QCOMPARE(machine.value(u"CallStatus"_s), u"in-progress"_s);
    QVERIFY(machine.signatureValid(token));
    const ReceivedCallback hangup = m_receiver->receivedOn(u"/hangup"_s).value(0);
    QCOMPARE(hangup.value(u"HangupCauseCode"_s), u"9100"_s);
    QCOMPARE(hangup.value(u"Machine"_s), u"true"_s);
}

void TestPlivoSimulator::synchronousMachineDetectionMarksAnswer()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = onlyOutcome(1, 0, 0, 0, 0);
    startSimulator(settings);
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"machine_detection"_s, u"true"_s);
    QString requestUuid;
    placeCall(body, &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    QCOMPARE(m_receiver->receivedOn(u"/answer"_s).value(0).value(u"Machine"_s), u"false"_s);
    QCOMPARE(m_receiver->receivedOn(u"/hangup"_s).value(0).value(u"HangupCauseCode"_s),
             u"4000"_s);
}

void TestPlivoSimulator::refusedConnectionIsRetried()
{
    SimulatorSettings settings = fastSettings();
    settings.callbackRetries = 2;
    startSimulator(settings);

    // A port nobody listens on: every try is refused at once.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 closedPort = probe.serverPort();
    probe.close();
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"hangup_url"_s, u"http://127.0.0.1:%1/hangup"_s.arg(closedPort));
    QString requestUuid;
    placeCall(body, &requestUuid);

    // Ring and answer take one try each, the hangup callback three.
    QTRY_COMPARE(m_simulator->callbackTries(), 5);
    QTest::qWait(300);
    QCOMPARE(m_simulator->callbackTries(), 5);
    QCOMPARE(m_receiver->count(u"/ring"_s), 1);
    QCOMPARE(m_receiver->count(u"/answer"_s), 1);
}

void TestPlivoSimulator::silentServerIsRetriedAfterReadTimeout()
{
    SimulatorSettings settings = fastSettings();
    settings.callbackRetries = 2;
    startSimulator(settings);

    // A server that accepts connections and never responds. The URL fragment
    // sets a 200 ms read timeout.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> connections;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = silent.nextPendingConnection())
            connections.append(socket);
    });
    QJsonObject body = callBody(u"+14155551234"_s);
    body.insert(u"hangup_url"_s, u"http://127.0.0.1:%1/hangup#rt=200"_s.arg(silent.serverPort()));
    QString requestUuid;
    placeCall(body, &requestUuid);

    QTRY_COMPARE(connections.size(), 3);
    QTest::qWait(500);
    QCOMPARE(connections.size(), 3);
}

void TestPlivoSimulator::serverErrorIsNotRetried()
{
    SimulatorSettings settings = fastSettings();
    settings.callbackRetries = 3;
    startSimulator(settings);
    m_receiver->setAnswer(u"/hangup"_s, 500, "broken", "text/plain");
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    QTest::qWait(300);
    QCOMPARE(m_receiver->count(u"/hangup"_s), 1);
}

void TestPlivoSimulator::journalRecordsPlacedAndEnded()
{
    SimulatorSettings settings = fastSettings();
    settings.journalPath = journalPath();
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s, 17), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);

    const QList<QJsonObject> lines = readJournal(journalPath());

    QCOMPARE(lines.size(), 2);
    const QJsonObject placed = lines[0];
    QCOMPARE(placed.value(u"event"_s).toString(), u"placed"_s);
    QCOMPARE(placed.value(u"request_uuid"_s).toString(), requestUuid);
    QCOMPARE(placed.value(u"to"_s).toString(), u"+14155551234"_s);
    QCOMPARE(placed.value(u"from"_s).toString(), from);
    QCOMPARE(placed.value(u"attempt"_s).toString(), u"17"_s);
    QCOMPARE(placed.value(u"answer_url"_s).toString(), m_receiver->url(u"/answer?attempt=17"_s));
    QCOMPARE(placed.value(u"queued"_s).toBool(true), false);
    QVERIFY(!placed.value(u"call_uuid"_s).toString().isEmpty());
    QVERIFY(QDateTime::fromString(placed.value(u"time"_s).toString(), Qt::ISODateWithMs).isValid());
    const QJsonObject ended = lines[1];
    QCOMPARE(ended.value(u"event"_s).toString(), u"ended"_s);
    QCOMPARE(ended.value(u"call_uuid"_s), placed.value(u"call_uuid"_s));
    QCOMPARE(ended.value(u"call_status"_s).toString(), u"completed"_s);
    QCOMPARE(ended.value(u"hangup_cause_code"_s).toInt(), 4000);
    QCOMPARE(ended.value(u"attempt"_s).toString(), u"17"_s);
}

void TestPlivoSimulator::accountCreditsFallWithCosts()
{
    SimulatorSettings settings = fastSettings();
    settings.cashCredits = 10;
    settings.ratePerMinute = 0.5;
    settings.talkTime = {61, 61};
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);

    const RestResult account = m_client->get(QString());

    // 61 s bill as two started minutes at 0.50 a minute.
    QCOMPARE(account.status, 200);
    QCOMPARE(account.json.value(u"cash_credits"_s).toString(), u"9.00000"_s);
    QCOMPARE(account.json.value(u"auth_id"_s).toString(), settings.authId);
    QCOMPARE(m_receiver->receivedOn(u"/hangup"_s).value(0).value(u"TotalCost"_s), u"1.00000"_s);
}

void TestPlivoSimulator::numbersListPages()
{
    SimulatorSettings settings = fastSettings();
    settings.numbers = {u"+14155550100"_s, u"+14155550101"_s, u"+442071838750"_s};
    startSimulator(settings);

    const RestResult page = m_client->get(u"Number/"_s, QUrlQuery(u"limit=2"_s));
    const RestResult prefix = m_client->get(u"Number/"_s, QUrlQuery(u"number_startswith=44"_s));
    const RestResult one = m_client->get(u"Number/14155550101/"_s);
    const RestResult missing = m_client->get(u"Number/19995550000/"_s);

    QCOMPARE(page.status, 200);
    QCOMPARE(page.json.value(u"meta"_s).toObject().value(u"total_count"_s).toInt(), 3);
    QCOMPARE(page.json.value(u"objects"_s).toArray().size(), 2);
    QCOMPARE(page.json.value(u"objects"_s).toArray()[0].toObject().value(u"number"_s).toString(),
             u"14155550100"_s);
    QCOMPARE(prefix.json.value(u"objects"_s).toArray().size(), 1);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(u"voice_enabled"_s).toBool(), true);
    QCOMPARE(missing.status, 404);
}

void TestPlivoSimulator::dropFaultSendsNoCallbacks()
{
    SimulatorSettings settings = fastSettings();
    settings.faults.dropCallbacks = 1.0;
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_simulator->account().cdrs().size(), 1);
    QTest::qWait(200);
    QCOMPARE(m_receiver->count(u"/ring"_s), 0);
    QCOMPARE(m_receiver->count(u"/hangup"_s), 0);
    // The answer XML is still fetched: the call needs it.
    QCOMPARE(m_receiver->count(u"/answer"_s), 1);
    const RestResult list = m_client->get(u"Call/"_s);
    QCOMPARE(list.json.value(u"meta"_s).toObject().value(u"total_count"_s).toInt(), 1);
}

void TestPlivoSimulator::duplicateFaultSendsCallbacksTwice()
{
    SimulatorSettings settings = fastSettings();
    settings.faults.duplicateCallbacks = 1.0;
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 2);
    QCOMPARE(m_receiver->count(u"/ring"_s), 2);
    QCOMPARE(m_receiver->count(u"/answer"_s), 1);
    const QList<ReceivedCallback> hangups = m_receiver->receivedOn(u"/hangup"_s);
    QCOMPARE(hangups[0].value(u"CallUUID"_s), hangups[1].value(u"CallUUID"_s));
    QVERIFY(hangups[0].nonce != hangups[1].nonce);
    QCOMPARE(m_simulator->account().cdrs().size(), 1);
}

void TestPlivoSimulator::reorderFaultSendsHangupFirst()
{
    SimulatorSettings settings = fastSettings();
    settings.faults.reorderCallbacks = 1.0;
    startSimulator(settings);
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE(m_receiver->count(u"/ring"_s), 1);
    QCOMPARE(m_receiver->count(u"/hangup"_s), 1);
    QVERIFY(m_receiver->indexOf(u"/hangup"_s) < m_receiver->indexOf(u"/ring"_s));
    QVERIFY(m_receiver->receivedOn(u"/ring"_s).value(0).signatureValid(token));
}

void TestPlivoSimulator::delayFaultHoldsCallbacks()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = onlyOutcome(0, 1, 0, 0, 0);
    settings.faults.delayCallbacksMs = 800;
    startSimulator(settings);
    qint64 endedAtMs = 0;
    connect(&m_simulator->account(), &SimulatedAccount::callEnded, this,
            [&] { endedAtMs = QDateTime::currentMSecsSinceEpoch(); });
    QString requestUuid;
    placeCall(callBody(u"+14155551234"_s), &requestUuid);

    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->count(u"/hangup"_s), 1, 5000);
    // The hangup of call 0 waits the seeded share of 800 ms that the simulator draws.
    const double expectedMs = SeededDraw(settings.seed).between(
        0, 800, SeededDraw::Stream::DelayCallback, 0, 3);
    const qint64 waitedMs = m_receiver->receivedOn(u"/hangup"_s).value(0).receivedAtMs
                            - endedAtMs;
    QVERIFY(endedAtMs > 0);
    QVERIFY2(waitedMs >= qint64(expectedMs) - 20,
             qPrintable(u"waited %1 ms, expected %2"_s.arg(waitedMs).arg(expectedMs)));
}

void TestPlivoSimulator::error500FaultStillPlacesCall()
{
    SimulatorSettings settings = fastSettings();
    settings.faults.error500AfterPlace = 1.0;
    settings.journalPath = journalPath();
    startSimulator(settings);

    const RestResult result = m_client->post(u"Call/"_s, callBody(u"+14155551234"_s));

    QCOMPARE(result.status, 500);
    QVERIFY(result.json.value(u"api_id"_s).isString());
    QVERIFY(result.json.value(u"error"_s).isString());
    QTRY_COMPARE(m_receiver->count(u"/hangup"_s), 1);
    const RestResult list = m_client->get(u"Call/"_s, QUrlQuery(u"to_number=14155551234"_s));
    QCOMPARE(list.json.value(u"meta"_s).toObject().value(u"total_count"_s).toInt(), 1);
    QCOMPARE(readJournal(journalPath()).value(0).value(u"event"_s).toString(), u"placed"_s);
}

void TestPlivoSimulator::stallFaultAnswersLate()
{
    SimulatorSettings settings = fastSettings();
    settings.faults.stall = 1.0;
    settings.faults.stallMs = 1500;
    settings.talkTime = {1200, 1200};
    startSimulator(settings);

    const QByteArray body = QJsonDocument(callBody(u"+14155551234"_s)).toJson();
    const RestResult timedOut = m_client->send("POST", m_client->accountPath() + u"Call/"_s, body,
                                               "application/json", 300);

    // The client gave up, but the call was placed and is live.
    QCOMPARE(timedOut.status, 0);
    QCOMPARE(m_client->get(u"Call/"_s, QUrlQuery(u"status=live"_s))
                 .json.value(u"calls"_s)
                 .toArray()
                 .size(),
             1);

    QElapsedTimer clock;
    clock.start();
    const RestResult patient = m_client->send("POST", m_client->accountPath() + u"Call/"_s, body,
                                              "application/json", 5000);
    QCOMPARE(patient.status, 201);
    QVERIFY2(clock.elapsed() >= 1400, qPrintable(QString::number(clock.elapsed())));
}

void TestPlivoSimulator::sameSeedRepeatsOutcomes()
{
    SimulatorSettings settings = fastSettings();
    settings.mix = OutcomeMix{};
    settings.ringTime = {3, 20};
    settings.talkTime = {10, 60};
    settings.seed = 20261204;

    QStringList destinations;
    for (int i = 0; i < 30; ++i)
        destinations.append(u"+1415555%1"_s.arg(2000 + i));
    const auto run = [&](quint64 seed) {
        settings.seed = seed;
        startSimulator(settings);
        QMap<QString, int> codes;
        if (m_client->post(u"Call/"_s, callBody(destinations.join(u'<'))).status != 201)
            return codes;
        if (!QTest::qWaitFor([this] { return m_simulator->account().cdrs().size() == 30; },
                             20000)) {
            return codes;
        }
        const CdrStore &cdrs = m_simulator->account().cdrs();
        for (const SimulatedCall *call : cdrs.query(CdrFilter::fromQuery(QueryParams(), 0).value()))
            codes.insert(call->to, call->cause.code);
        m_simulator.reset();
        return codes;
    };

    const QMap<QString, int> first = run(20261204);
    const QMap<QString, int> second = run(20261204);
    const QMap<QString, int> other = run(7);

    QCOMPARE(first.size(), 30);
    QCOMPARE(second, first);
    QVERIFY(other != first);
    QVERIFY(QSet<int>(first.cbegin(), first.cend()).size() >= 3);
}

// Plivo's Node SDK sends every Call API request to api.plivo.com, so it cannot
// be pointed at the simulator. These checks use the fields that its response
// classes read and its canned responses carry instead. Source: the npm package
// plivo@4.79.0, files dist/resources/call.js (CreateCallResponse,
// GetLiveCallResponse, GetQueuedCallResponse, RetrieveCallResponse),
// dist/resources/accounts.js (GetAccountDetails) and dist/rest/request-test.js
// (the Call/ list, Number/ list and live call list responses).
void TestPlivoSimulator::responsesCarryNodeSdkFields()
{
    SimulatorSettings settings = fastSettings();
    settings.talkTime = {3000, 3000};
    settings.callsPerSecond = 0.2;
    startSimulator(settings);
    const auto checkFields = [](const QJsonObject &object, const QStringList &fields) {
        QStringList missing;
        for (const QString &field : fields) {
            if (!object.contains(field))
                missing.append(field);
        }
        return missing.join(u", "_s);
    };

    const RestResult created =
        m_client->post(u"Call/"_s, callBody(u"+14155551001"_s));
    QCOMPARE(checkFields(created.json, {u"api_id"_s, u"message"_s, u"request_uuid"_s}), QString());
    const RestResult queued = m_client->post(u"Call/"_s, callBody(u"+14155551002"_s));
    QCOMPARE(queued.json.value(u"message"_s).toString(), u"call queued"_s);

    QTRY_COMPARE(m_receiver->count(u"/answer"_s), 1);
    const QString liveUuid = m_receiver->receivedOn(u"/answer"_s).value(0).value(u"CallUUID"_s);
    const RestResult liveList = m_client->get(u"Call/"_s, QUrlQuery(u"status=live"_s));
    QCOMPARE(checkFields(liveList.json, {u"api_id"_s, u"calls"_s}), QString());
    const RestResult live = m_client->get(u"Call/%1/"_s.arg(liveUuid), QUrlQuery(u"status=live"_s));
    QCOMPARE(checkFields(live.json, {u"api_id"_s, u"call_status"_s, u"call_uuid"_s,
                                     u"caller_name"_s, u"direction"_s, u"from"_s,
                                     u"request_uuid"_s, u"session_start"_s, u"to"_s,
                                     u"stir_verification"_s, u"stir_attestation"_s}),
             QString());

    const QString queuedUuid = m_client->get(u"Call/"_s, QUrlQuery(u"status=queued"_s))
                                   .json.value(u"calls"_s)
                                   .toArray()
                                   .at(0)
                                   .toString();
    const RestResult queuedCall =
        m_client->get(u"Call/%1/"_s.arg(queuedUuid), QUrlQuery(u"status=queued"_s));
    QCOMPARE(checkFields(queuedCall.json, {u"api_id"_s, u"direction"_s, u"from"_s,
                                           u"call_status"_s, u"to"_s, u"caller_name"_s,
                                           u"call_uuid"_s, u"request_uuid"_s}),
             QString());

    QCOMPARE(m_client->remove(u"Call/%1/"_s.arg(liveUuid)).status, 204);
    QTRY_COMPARE(m_simulator->account().cdrs().size(), 1);
    const QStringList cdrFields = {
        u"answer_time"_s,       u"bill_duration"_s,     u"billed_duration"_s,
        u"call_direction"_s,    u"call_duration"_s,     u"call_state"_s,
        u"call_uuid"_s,         u"conference_uuid"_s,   u"end_time"_s,
        u"from_number"_s,       u"hangup_cause_code"_s, u"hangup_cause_name"_s,
        u"hangup_source"_s,     u"initiation_time"_s,   u"parent_call_uuid"_s,
        u"resource_uri"_s,      u"to_number"_s,         u"total_amount"_s,
        u"total_rate"_s,        u"stir_verification"_s, u"stir_attestation"_s,
        u"source_ip"_s,         u"cnam_lookup"_s,       u"voice_network_group"_s};
    const RestResult cdr = m_client->get(u"Call/%1/"_s.arg(liveUuid));
    QCOMPARE(checkFields(cdr.json, cdrFields + QStringList{u"api_id"_s}), QString());
    const RestResult cdrList = m_client->get(u"Call/"_s);
    QCOMPARE(checkFields(cdrList.json, {u"api_id"_s, u"meta"_s, u"objects"_s}), QString());
    QCOMPARE(checkFields(cdrList.json.value(u"meta"_s).toObject(),
                         {u"limit"_s, u"next"_s, u"offset"_s, u"previous"_s, u"total_count"_s}),
             QString());
    QCOMPARE(checkFields(cdrList.json.value(u"objects"_s).toArray().at(0).toObject(), cdrFields),
             QString());

    const RestResult account = m_client->get(QString());
    QCOMPARE(checkFields(account.json, {u"account_type"_s, u"address"_s, u"api_id"_s,
                                        u"auto_recharge"_s, u"billing_mode"_s,
                                        u"cash_credits"_s, u"city"_s, u"name"_s,
                                        u"resource_uri"_s, u"state"_s, u"timezone"_s}),
             QString());
    const RestResult numbers = m_client->get(u"Number/"_s);
    QCOMPARE(checkFields(numbers.json.value(u"objects"_s).toArray().at(0).toObject(),
                         {u"added_on"_s, u"alias"_s, u"application"_s, u"carrier"_s,
                          u"monthly_rental_rate"_s, u"number"_s, u"number_type"_s, u"region"_s,
                          u"resource_uri"_s, u"sms_enabled"_s, u"sms_rate"_s, u"sub_account"_s,
                          u"voice_enabled"_s, u"voice_rate"_s}),
             QString());
}

QTEST_GUILESS_MAIN(TestPlivoSimulator)
#include "tst_plivosimulator.moc"
