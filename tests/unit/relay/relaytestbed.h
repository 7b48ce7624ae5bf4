#pragma once

#include "carrier/plivosignature.h"
#include "relay/relayconfig.h"

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <utility>

QT_BEGIN_NAMESPACE
class QNetworkReply;
QT_END_NAMESPACE

namespace Dialdeck {

class RelayServer;
class RelayStore;

// The status and body of the response to one HTTP request. The status is 0
// when no response arrived because the server closed the connection or 10 s passed.
struct HttpReply
{
    int status = 0;
    QByteArray body;
    QString error;
};

// A callback as Plivo sends it: the path with its query, the form body and
// the V3 signature headers.
struct SignedCallback
{
    QString pathAndQuery;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
};

// A RelayServer on 127.0.0.1 in the test's own process, over a fresh
// RelayStore with the channel "office" and its Plivo Auth Token file. Sends
// callbacks signed with that token and waits for the HTTP responses with the
// event loop running, so server and client run in one thread.
class RelayTestBed final
{
public:
    static constexpr QStringView Channel = u"office";
    static constexpr QByteArrayView PlivoAuthToken = "relay-test-plivo-auth-token";

    RelayTestBed();
    ~RelayTestBed();
    Q_DISABLE_COPY_MOVE(RelayTestBed)

    // Creates the store and the channel. Returns an empty string, or the reason it failed.
    QString setUp();

    // Settings of a server on a free loopback port whose public URL is its
    // own address, with https when `tls` is set.
    RelayConfig config(bool tls = false) const;
    // Starts a server with `config`. Returns an empty string, or the error
    // message of RelayServer::start().
    QString startServer(const RelayConfig &config);
    void stopServer();

    RelayServer *server() const { return m_server.get(); }
    RelayStore &store() const { return *m_store; }
    QTemporaryDir &dir() { return m_dir; }
    const QByteArray &clientToken() const { return m_clientToken; }
    // ws:// or wss:// address of the channel on the running server.
    QUrl webSocketUrl() const;

    // Trusts `certificate` as a CA for the HTTPS requests of this bed.
    void trustCertificate(const QSslCertificate &certificate);
    const QList<QSslCertificate> &trustedCertificates() const { return m_trusted; }

    // Builds a POST callback of `kind` for `attemptId` with `callUuid` and the
    // `extra` form fields, signed for the running server's public URL with a fresh nonce.
    SignedCallback signCallback(const QString &kind, qint64 attemptId, const QString &callUuid,
                                const PlivoSignature::Params &extra = {}) const;
    HttpReply post(const SignedCallback &callback);
    // Signs and posts a ring callback and returns the HTTP status.
    int postRing(qint64 attemptId, const QString &callUuid);
    // Posts `count` signed ring callbacks with new CallUUIDs; true when each got a 200.
    bool postRings(int count);
    // A CallUUID numbered `index`, so tests can tell callbacks apart.
    static QString callUuid(int index);
    HttpReply get(const QString &path);

    // The number of the channel's events in the store, or -1 when the store cannot be read.
    int storedEventCount() const;
    // The CallUUIDs of the channel's stored events, oldest first.
    QStringList storedCallUuids() const;

private:
    HttpReply await(QNetworkReply *reply);
    QUrl serverUrl(const QString &pathAndQuery) const;

    QTemporaryDir m_dir;
    std::unique_ptr<RelayStore> m_store;
    std::unique_ptr<RelayServer> m_server;
    RelayConfig m_config;
    QByteArray m_clientToken;
    QList<QSslCertificate> m_trusted;
    QNetworkAccessManager m_network;
};

// Formats `params` as an application/x-www-form-urlencoded body.
QByteArray formBody(const PlivoSignature::Params &params);

} // namespace Dialdeck
