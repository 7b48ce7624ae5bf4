#include "callbackreceiver.h"

#include "carrier/formparams.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

QByteArray header(const QHttpServerRequest &request, QByteArrayView name)
{
    for (const auto &[key, value] : request.headers()) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

QString ReceivedCallback::value(const QString &key) const
{
    return FormParams::value(params, key);
}

bool ReceivedCallback::has(const QString &key) const
{
    for (const auto &pair : params) {
        if (pair.first == key)
            return true;
    }
    return false;
}

bool ReceivedCallback::signatureValid(const QByteArray &token) const
{
    // A GET carries its fields in the signed URL, so no body fields are added.
    const PlivoSignature::Params bodyParams = method == "GET" ? PlivoSignature::Params{} : params;
    return PlivoSignature::verifyV3(token, method, url, bodyParams, QString::fromLatin1(nonce),
                                    signature)
           && PlivoSignature::verifyV3(token, method, url, bodyParams, QString::fromLatin1(nonce),
                                       mainAccountSignature);
}

CallbackReceiver::CallbackReceiver()
    : m_server(std::make_unique<QHttpServer>())
{
    const QByteArray xml = "<Response><Speak>Hello</Speak></Response>";
    setAnswer(u"/answer"_s, 200, xml);
    setAnswer(u"/fallback"_s, 200, xml);

    m_server->setMissingHandler([this](const QHttpServerRequest &request,
                                       QHttpServerResponder &&responder) {
        ReceivedCallback callback;
        callback.path = request.url().path();
        callback.method = request.method() == QHttpServerRequest::Method::Get ? "GET" : "POST";
        QString url = u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(
            request.url().path(QUrl::FullyEncoded));
        if (request.url().hasQuery())
            url += u'?' + request.url().query(QUrl::FullyEncoded);
        callback.url = url;
        callback.params = callback.method == "GET"
                              ? FormParams::parseLenient(request.url().query(QUrl::FullyEncoded)
                                                             .toUtf8())
                              : FormParams::parseLenient(request.body());
        callback.signature = header(request, "x-plivo-signature-v3");
        callback.mainAccountSignature = header(request, "x-plivo-signature-ma-v3");
        callback.nonce = header(request, "x-plivo-signature-v3-nonce");
        callback.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_received.append(callback);

        const Answer answer = m_answers.value(callback.path, Answer{200, {}, "text/plain"});
        responder.write(answer.body, answer.contentType,
                        QHttpServerResponder::StatusCode(answer.status));
    });
}

bool CallbackReceiver::listen()
{
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    return m_port != 0;
}

QString CallbackReceiver::url(const QString &pathAndQuery) const
{
    return u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(pathAndQuery);
}

void CallbackReceiver::setAnswer(const QString &path, int status, const QByteArray &body,
                                 const QByteArray &contentType)
{
    m_answers.insert(path, Answer{status, body, contentType});
}

QList<ReceivedCallback> CallbackReceiver::receivedOn(const QString &path) const
{
    QList<ReceivedCallback> matches;
    for (const ReceivedCallback &callback : m_received) {
        if (callback.path == path)
            matches.append(callback);
    }
    return matches;
}

int CallbackReceiver::indexOf(const QString &path) const
{
    for (qsizetype i = 0; i < m_received.size(); ++i) {
        if (m_received[i].path == path)
            return int(i);
    }
    return -1;
}
