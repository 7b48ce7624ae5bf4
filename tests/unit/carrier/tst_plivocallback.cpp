#include "carrier/plivocallback.h"

#include <QJsonDocument>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

using Params = PlivoCallback::Params;

namespace {

// The fields Plivo's hangup callback carries for an outbound call, named as
// its callback documentation lists them.
Params hangupParams(const QString &status, const QString &cause, const QString &answerTime)
{
    return {
        {u"From"_s, u"14155550100"_s},
        {u"To"_s, u"12125550199"_s},
        {u"RequestUUID"_s, u"9834029e-58b6-11e1-b8b7-a5bd0e4e126f"_s},
        {u"CallUUID"_s, u"b7c0f1a2-0000-4000-8000-000000000001"_s},
        {u"Direction"_s, u"outbound"_s},
        {u"Event"_s, u"Hangup"_s},
        {u"CallStatus"_s, status},
        {u"HangupCause"_s, cause},
        {u"StartTime"_s, u"2026-12-07 14:00:00"_s},
        {u"AnswerTime"_s, answerTime},
        {u"EndTime"_s, u"2026-12-07 14:01:10"_s},
        {u"Duration"_s, u"62"_s},
        {u"BillDuration"_s, u"62"_s},
    };
}

} // namespace

class TestPlivoCallback : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kindFromPathKnowsEveryCallback();
    void hangupOutcome_data();
    void hangupOutcome();
    void hangupReadsDurationsAndCost();
    void hangupPrefersTotalCostOverRate();
    void ringAndAnswerCarryUuids();
    void machineDetectionReadsMachineFlag();
    void callbackWithoutCallUuidIsRejected();
    void eventThatDoesNotFitItsUrlIsRejected();
    void cdrBecomesHangup();
    void cdrOfUnansweredCall();
};

void TestPlivoCallback::kindFromPathKnowsEveryCallback()
{
    QCOMPARE(PlivoCallback::kindFromPath(u"ring"), PlivoCallback::Kind::Ring);
    QCOMPARE(PlivoCallback::kindFromPath(u"answer"), PlivoCallback::Kind::Answer);
    QCOMPARE(PlivoCallback::kindFromPath(u"fallback"), PlivoCallback::Kind::Answer);
    QCOMPARE(PlivoCallback::kindFromPath(u"hangup"), PlivoCallback::Kind::Hangup);
    QCOMPARE(PlivoCallback::kindFromPath(u"machine"), PlivoCallback::Kind::Machine);
    QVERIFY(!PlivoCallback::kindFromPath(u"Hangup").has_value());
    QVERIFY(!PlivoCallback::kindFromPath(u"").has_value());
}

void TestPlivoCallback::hangupOutcome_data()
{
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("cause");
    QTest::addColumn<QString>("causeCode");
    QTest::addColumn<QString>("answerTime");
    QTest::addColumn<int>("outcome");

    QTest::newRow("completed") << u"completed"_s << u"NORMAL_CLEARING"_s << u""_s
                               << u"2026-12-07 14:00:08"_s << int(CallOutcome::Answered);
    QTest::newRow("busy") << u"busy"_s << u"USER_BUSY"_s << u""_s << u""_s
                          << int(CallOutcome::Busy);
    QTest::newRow("no-answer") << u"no-answer"_s << u"NO_ANSWER"_s << u""_s << u""_s
                               << int(CallOutcome::NoAnswer);
    QTest::newRow("timeout") << u"timeout"_s << u""_s << u"6010"_s << u""_s
                             << int(CallOutcome::NoAnswer);
    QTest::newRow("failed") << u"failed"_s << u"UNALLOCATED_NUMBER"_s << u"3050"_s << u""_s
                            << int(CallOutcome::Failed);
    QTest::newRow("busy by code only")
        << u""_s << u""_s << u"3010"_s << u""_s << int(CallOutcome::Busy);
    QTest::newRow("machine hung up") << u"completed"_s << u""_s << u"9100"_s
                                     << u"2026-12-07 14:00:08"_s << int(CallOutcome::Machine);
    QTest::newRow("answer URL unreachable") << u"completed"_s << u"NORMAL_CLEARING"_s << u"7011"_s
                                            << u"2026-12-07 14:00:08"_s << int(CallOutcome::Failed);
    QTest::newRow("invalid answer XML") << u"completed"_s << u"NORMAL_CLEARING"_s << u"8011"_s
                                        << u"2026-12-07 14:00:08"_s << int(CallOutcome::Failed);
    QTest::newRow("canceled before answer") << u"cancel"_s << u"ORIGINATOR_CANCEL"_s << u"1000"_s
                                            << u""_s << int(CallOutcome::Cancelled);
}

void TestPlivoCallback::hangupOutcome()
{
    QFETCH(QString, status);
    QFETCH(QString, cause);
    QFETCH(QString, causeCode);
    QFETCH(QString, answerTime);
    QFETCH(int, outcome);

    Params params = hangupParams(status, cause, answerTime);
    if (!causeCode.isEmpty())
        params.append({u"HangupCauseCode"_s, causeCode});

    const Result<CarrierEvent> event =
        PlivoCallback::toEvent(PlivoCallback::Kind::Hangup, params, 42, 1000);
    QVERIFY2(event.ok(), qPrintable(event ? QString() : event.error().message));
    QVERIFY(event->kind == CarrierEvent::Kind::Hangup);
    QCOMPARE(event->attemptId, 42);
    QVERIFY(event->outcome.has_value());
    QCOMPARE(int(*event->outcome), outcome);
}

void TestPlivoCallback::hangupReadsDurationsAndCost()
{
    Params params = hangupParams(u"completed"_s, u"NORMAL_CLEARING"_s, u"2026-12-07 14:00:08"_s);
    params.append({u"BillRate"_s, u"0.0120"_s});

    const Result<CarrierEvent> event =
        PlivoCallback::toEvent(PlivoCallback::Kind::Hangup, params, 7, 1000);
    QVERIFY(event.ok());
    QCOMPARE(event->talkSeconds, 62);
    QCOMPARE(event->ringSeconds, 8);
    QCOMPARE(event->hangupCause, u"NORMAL_CLEARING"_s);
    // Two started minutes at 0.012 a minute.
    QCOMPARE(event->cost, 0.024);
}

void TestPlivoCallback::hangupPrefersTotalCostOverRate()
{
    Params params = hangupParams(u"completed"_s, u"NORMAL_CLEARING"_s, u"2026-12-07 14:00:08"_s);
    params.append({u"BillRate"_s, u"0.0120"_s});
    params.append({u"TotalCost"_s, u"0.01500"_s});
    params.append({u"HangupCauseName"_s, u"Normal Hangup"_s});

    const Result<CarrierEvent> event =
        PlivoCallback::toEvent(PlivoCallback::Kind::Hangup, params, 7, 1000);
    QVERIFY(event.ok());
    QCOMPARE(event->cost, 0.015);
    QCOMPARE(event->hangupCause, u"Normal Hangup"_s);
}

void TestPlivoCallback::ringAndAnswerCarryUuids()
{
    const Params ring{{u"CallUUID"_s, u"c1"_s},
                      {u"RequestUUID"_s, u"r1"_s},
                      {u"Event"_s, u"Ring"_s},
                      {u"CallStatus"_s, u"ringing"_s}};
    const Result<CarrierEvent> ringing =
        PlivoCallback::toEvent(PlivoCallback::Kind::Ring, ring, 3, 500);
    QVERIFY(ringing.ok());
    QVERIFY(ringing->kind == CarrierEvent::Kind::Ringing);
    QCOMPARE(ringing->callUuid, u"c1"_s);
    QCOMPARE(ringing->requestUuid, u"r1"_s);
    QCOMPARE(ringing->atMs, 500);

    const Params answer{{u"CallUUID"_s, u"c1"_s}, {u"Event"_s, u"StartApp"_s}};
    const Result<CarrierEvent> answered =
        PlivoCallback::toEvent(PlivoCallback::Kind::Answer, answer, 3, 600);
    QVERIFY(answered.ok());
    QVERIFY(answered->kind == CarrierEvent::Kind::Answered);
}

void TestPlivoCallback::machineDetectionReadsMachineFlag()
{
    const Params machine{
        {u"CallUUID"_s, u"c1"_s}, {u"Event"_s, u"MachineDetection"_s}, {u"Machine"_s, u"true"_s}};
    Result<CarrierEvent> event =
        PlivoCallback::toEvent(PlivoCallback::Kind::Machine, machine, 3, 1);
    QVERIFY(event.ok());
    QVERIFY(event->kind == CarrierEvent::Kind::MachineDetected);
    QCOMPARE(event->machineResult, u"machine"_s);

    const Params human{{u"CallUUID"_s, u"c1"_s}, {u"Machine"_s, u"false"_s}};
    event = PlivoCallback::toEvent(PlivoCallback::Kind::Machine, human, 3, 1);
    QVERIFY(event.ok());
    QCOMPARE(event->machineResult, u"human"_s);
}

void TestPlivoCallback::callbackWithoutCallUuidIsRejected()
{
    const Params params{{u"Event"_s, u"Hangup"_s}, {u"CallStatus"_s, u"completed"_s}};
    const Result<CarrierEvent> event =
        PlivoCallback::toEvent(PlivoCallback::Kind::Hangup, params, 3, 1);
    QVERIFY(!event.ok());
    QVERIFY(event.error().message.contains(u"CallUUID"_s));
}

void TestPlivoCallback::eventThatDoesNotFitItsUrlIsRejected()
{
    const Params params{{u"CallUUID"_s, u"c1"_s}, {u"Event"_s, u"Hangup"_s}};
    const Result<CarrierEvent> event =
        PlivoCallback::toEvent(PlivoCallback::Kind::Ring, params, 3, 1);
    QVERIFY(!event.ok());
    QVERIFY(event.error().message.contains(u"Hangup"_s));
}

void TestPlivoCallback::cdrBecomesHangup()
{
    // Field names and shapes of Plivo's call detail record.
    const QJsonObject cdr = QJsonDocument::fromJson(R"({
        "answer_time": "2026-12-07 14:00:10+00:00",
        "bill_duration": 45,
        "billed_duration": 60,
        "call_direction": "outbound",
        "call_duration": 45,
        "call_uuid": "eba53b9e-8fbd-45c1-9444-696d2172fbc8",
        "end_time": "2026-12-07 14:00:55+00:00",
        "from_number": "14155550100",
        "hangup_cause_code": 4000,
        "hangup_cause_name": "Normal Hangup",
        "hangup_source": "Callee",
        "initiation_time": "2026-12-07 14:00:02+00:00",
        "to_number": "12125550199",
        "total_amount": "0.01200",
        "total_rate": "0.01200"
    })")
                                .object();

    const Result<CarrierEvent> event = PlivoCallback::eventFromCdr(cdr, 9, 2000);
    QVERIFY(event.ok());
    QVERIFY(event->kind == CarrierEvent::Kind::Hangup);
    QCOMPARE(event->callUuid, u"eba53b9e-8fbd-45c1-9444-696d2172fbc8"_s);
    QVERIFY(event->outcome == CallOutcome::Answered);
    QCOMPARE(event->talkSeconds, 45);
    QCOMPARE(event->ringSeconds, 8);
    QCOMPARE(event->cost, 0.012);
    QCOMPARE(event->hangupCause, u"Normal Hangup"_s);
}

void TestPlivoCallback::cdrOfUnansweredCall()
{
    const QJsonObject cdr{{u"call_uuid"_s, u"u1"_s},
                          {u"answer_time"_s, QJsonValue::Null},
                          {u"hangup_cause_code"_s, 3010},
                          {u"bill_duration"_s, 0},
                          {u"total_amount"_s, u"0.00000"_s}};
    const Result<CarrierEvent> event = PlivoCallback::eventFromCdr(cdr, 9, 2000);
    QVERIFY(event.ok());
    QVERIFY(event->outcome == CallOutcome::Busy);
    QCOMPARE(event->talkSeconds, 0);

    QVERIFY(!PlivoCallback::eventFromCdr(QJsonObject{}, 9, 2000).ok());
}

QTEST_GUILESS_MAIN(TestPlivoCallback)
#include "tst_plivocallback.moc"
