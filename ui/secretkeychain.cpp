#include "secretkeychain.h"

#include <qt6keychain/keychain.h>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

const QString serviceName = u"Dialdeck"_s;

QString errorOf(const QKeychain::Job &job)
{
    return job.error() == QKeychain::NoError ? QString() : job.errorString();
}

} // namespace

decltype(SecretKeychain::write) SecretKeychain::defaultWrite()
{
    return [](const QString &key, const QByteArray &secret, Done done) {
        auto *job = new QKeychain::WritePasswordJob(serviceName);
        job->setKey(key);
        job->setBinaryData(secret);
        QObject::connect(job, &QKeychain::Job::finished, job,
                         [done = std::move(done)](QKeychain::Job *finished) {
                             done(errorOf(*finished));
                         });
        job->start();
    };
}

decltype(SecretKeychain::read) SecretKeychain::defaultRead()
{
    return [](const QString &key, ReadDone done) {
        auto *job = new QKeychain::ReadPasswordJob(serviceName);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, job,
                         [job, done = std::move(done)](QKeychain::Job *finished) {
                             done(job->binaryData(), errorOf(*finished));
                         });
        job->start();
    };
}

decltype(SecretKeychain::remove) SecretKeychain::defaultRemove()
{
    return [](const QString &key, Done done) {
        auto *job = new QKeychain::DeletePasswordJob(serviceName);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, job,
                         [done = std::move(done)](QKeychain::Job *finished) {
                             done(errorOf(*finished));
                         });
        job->start();
    };
}

} // namespace Dialdeck
