#pragma once

#include "secretkeychain.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace Dialdeck {

// An in-memory keychain for GUI tests, which run without a D-Bus session.
// keychain() returns functions that refer to this object, so it must
// outlive every user of those functions.
class MemoryKeychain final
{
public:
    // The stored secrets by key.
    QHash<QString, QByteArray> entries;
    // When set, every call fails with this message, as a locked keychain does.
    QString error;

    void clear();
    SecretKeychain keychain();
};

} // namespace Dialdeck
