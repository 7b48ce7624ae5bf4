#pragma once

#include "carrier/plivoaccount.h"
#include "core/domain.h"
#include "core/result.h"

#include <QList>
#include <QStringList>

namespace Dialdeck {

class PhoneRepository;

// Adds numbers of a Plivo account as caller numbers, as the console's
// "Import from Plivo" and `dialdeck-service phones import-plivo` do.
class CallerNumberImport final
{
public:
    struct Outcome
    {
        QList<Phone> added;
        // Numbers already among the caller numbers, in E.164.
        QStringList alreadyPresent;
        // Numbers Plivo lists without voice, in E.164; they cannot place calls.
        QStringList notVoiceEnabled;
        // Numbers that are not valid phone numbers, each with the reason.
        QStringList invalid;
    };

    // Inserts every voice-enabled number of `numbers` that `phones` does not
    // hold yet, labelled with its Plivo alias (or "Plivo" without one). A
    // store failure stops at that number; the numbers added before it stay.
    static Result<Outcome> addNumbers(PhoneRepository &phones, const QList<PlivoNumber> &numbers);
};

} // namespace Dialdeck
