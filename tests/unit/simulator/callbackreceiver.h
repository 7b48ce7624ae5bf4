#pragma once

#include "carrier/plivosignature.h"

#include <QHash>
#include <QHttpServer>
#include <QList>
#include <QObject>

#include <memory>

// One request the simulator made to the receiver.
struct ReceivedCallback
{
    QString path;
    QByteArray method;
    // The URL as the receiver saw it, with its query: what V3 signs.
    QString url;
    // Form fields of a POST, or the query fields of a GET.
    Dialdeck::PlivoSignature::Params params;
    QByteArray signature;
    QByteArray mainAccountSignature;
    QByteArray nonce;
    qint64 receivedAtMs = 0;

    QString value(const QString &key) const;
    bool has(const QString &key) const;
    // Checks both V3 headers with `token`.
    bool signatureValid(const QByteArray &token) const;
};

// A web server on 127.0.0.1 in place of Dialdeck's webhook intake. It records
// every request and returns XML to answer and fallback URL fetches.
class CallbackReceiver : public QObject
{
public:
    CallbackReceiver();

    bool listen();
    // "http://127.0.0.1:PORT" + pathAndQuery.
    QString url(const QString &pathAndQuery) const;

    // Responds to requests for `path` with this status, body and content type.
    void setAnswer(const QString &path, int status, const QByteArray &body,
                   const QByteArray &contentType = "application/xml");

    const QList<ReceivedCallback> &received() const { return m_received; }
    QList<ReceivedCallback> receivedOn(const QString &path) const;
    int count(const QString &path) const { return int(receivedOn(path).size()); }
    // Index in received() of the first request to `path`, or -1.
    int indexOf(const QString &path) const;

private:
    struct Answer
    {
        int status = 200;
        QByteArray body;
        QByteArray contentType;
    };

    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
    QList<ReceivedCallback> m_received;
    QHash<QString, Answer> m_answers;
};
