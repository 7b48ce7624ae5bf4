#include "memorykeychain.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

void MemoryKeychain::clear()
{
    entries.clear();
    error.clear();
}

SecretKeychain MemoryKeychain::keychain()
{
    SecretKeychain keychain;
    keychain.write = [this](const QString &key, const QByteArray &secret,
                            SecretKeychain::Done done) {
        if (error.isEmpty())
            entries.insert(key, secret);
        done(error);
    };
    keychain.read = [this](const QString &key, SecretKeychain::ReadDone done) {
        if (!error.isEmpty()) {
            done({}, error);
            return;
        }
        if (!entries.contains(key)) {
            done({}, u"The entry does not exist"_s);
            return;
        }
        done(entries.value(key), QString());
    };
    keychain.remove = [this](const QString &key, SecretKeychain::Done done) {
        entries.remove(key);
        done(QString());
    };
    return keychain;
}

} // namespace Dialdeck
