#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Dialdeck {

// One message of the dialdeck-relay WebSocket protocol, sent as a JSON text
// frame with a "type" member:
//
//   client -> relay  {"type":"hello","lastSeq":N}   first frame; N = last applied seq, 0 for none
//   client -> relay  {"type":"ack","seq":N}         cumulative: every event up to N is applied
//   either way       {"type":"ping"} / {"type":"pong"}
//   relay -> client  {"type":"event","seq":N,"kind":"hangup","receivedAt":MS,"method":"POST",
//                     "url":"https://…","contentType":"…","body":"<Base64>"}
//   relay -> client  {"type":"reset","firstSeq":N}  the events before N are gone (retention);
//                                                   delivery continues at N
//   relay -> client  {"type":"error","code":"…","message":"…"}
//
// The body of an event is the callback's raw HTTP body in standard Base64, so
// any bytes survive unchanged. receivedAt is milliseconds since the Unix epoch.
class RelayFrame final
{
public:
    enum class Type
    {
        Hello,
        Event,
        Ack,
        Ping,
        Pong,
        Reset,
        Error,
    };

    // The largest frame parse() accepts, in bytes: a 256 KiB body in Base64
    // plus the other fields.
    static constexpr qsizetype MaxFrameBytes = 512 * 1024;

    Type type = Type::Ping;
    // hello: the client's last applied seq; event: its seq; ack: the highest
    // applied seq; reset: the first seq the relay still holds.
    qint64 seq = 0;
    // Set on event: ring, answer, hangup, machine or fallback.
    QString kind;
    qint64 receivedAtMs = 0;
    QString method;
    QString url;
    QString contentType;
    QByteArray body;
    // Set on error: a short code such as "unauthorized", and a sentence.
    QString code;
    QString message;

    static RelayFrame hello(qint64 lastSeq);
    static RelayFrame ack(qint64 seq);
    static RelayFrame ping();
    static RelayFrame pong();
    static RelayFrame reset(qint64 firstSeq);
    static RelayFrame error(const QString &code, const QString &message);

    // Serialises to compact JSON.
    QByteArray toJson() const;

    // Parses one text frame. Fails with invalid_argument and a message naming
    // the member at fault on anything that is not a well-formed frame: bad
    // JSON, an unknown type, a missing or negative seq, a bad Base64 body.
    static Result<RelayFrame> parse(QByteArrayView text);

    static QString typeName(Type type);
};

} // namespace Dialdeck
