#include "callernumberimport.h"

#include "core/ids.h"
#include "core/logging.h"
#include "import/phonenormaliser.h"
#include "store/phonerepository.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

Result<CallerNumberImport::Outcome>
CallerNumberImport::addNumbers(PhoneRepository &phones, const QList<PlivoNumber> &numbers)
{
    const PhoneNormaliser normaliser;
    Outcome outcome;
    for (const PlivoNumber &number : numbers) {
        if (!number.voiceEnabled) {
            outcome.notVoiceEnabled.append(number.e164);
            continue;
        }

        // Plivo lists numbers with their country code, so the region only
        // matters for a malformed entry.
        Result<NormalisedPhone> normalised = normaliser.normalise(number.e164, u"US"_s);
        if (!normalised) {
            outcome.invalid.append(u"%1 (%2)"_s.arg(number.e164, normalised.error().message));
            continue;
        }

        Result<std::optional<Phone>> existing = phones.findByE164(normalised->e164);
        if (!existing)
            return existing.error();
        if (existing->has_value()) {
            outcome.alreadyPresent.append(normalised->e164);
            continue;
        }

        Phone phone;
        phone.id = Ids::generate();
        phone.e164 = normalised->e164;
        phone.label = number.alias.isEmpty()
                          ? QCoreApplication::translate("Dialdeck::CallerNumberImport", "Plivo")
                          : number.alias;
        phone.createdAt = QDateTime::currentDateTimeUtc();
        if (Result<void> saved = phones.insert(phone); !saved)
            return saved.error();
        outcome.added.append(phone);
    }

    qCInfo(lcDialer) << "Imported" << outcome.added.size() << "Plivo numbers as caller numbers;"
                     << outcome.alreadyPresent.size() << "were present,"
                     << outcome.notVoiceEnabled.size() << "have no voice," << outcome.invalid.size()
                     << "are invalid";
    return outcome;
}

} // namespace Dialdeck
