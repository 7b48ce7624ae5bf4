#include "importtypes.h"

#include <QCoreApplication>

#include <array>

namespace Dialdeck {

namespace {

constexpr std::array<const char16_t *, 3> formatNames = {u"delimited", u"google_contacts",
                                                         u"vicidial"};

constexpr std::array<const char16_t *, ContactFieldCount> fieldNames = {
    u"phone", u"name", u"firstName", u"lastName", u"country", u"timeZone"};

constexpr std::array<const char16_t *, 7> reasonNames = {
    u"empty",     u"scientific_notation", u"invalid",    u"not_valid_for_region",
    u"too_short", u"duplicate",           u"do_not_call"};

} // namespace

QString toString(ContactFormat format)
{
    return QString::fromUtf16(formatNames[std::size_t(format)]);
}

std::optional<ContactFormat> contactFormatFromString(QStringView text)
{
    for (std::size_t i = 0; i < formatNames.size(); ++i) {
        if (text.compare(QStringView(formatNames[i]), Qt::CaseInsensitive) == 0)
            return ContactFormat(i);
    }
    return std::nullopt;
}

QString displayName(ContactFormat format)
{
    switch (format) {
    case ContactFormat::Delimited:
        return QCoreApplication::translate("Dialdeck::Import", "Delimited text with a header row");
    case ContactFormat::GoogleContacts:
        return QCoreApplication::translate("Dialdeck::Import", "Google Contacts CSV");
    case ContactFormat::Vicidial:
        return QCoreApplication::translate("Dialdeck::Import", "VICIdial standard lead file");
    }
    return {};
}

QString toString(ContactField field)
{
    return QString::fromUtf16(fieldNames[std::size_t(field)]);
}

std::optional<ContactField> contactFieldFromString(QStringView text)
{
    for (std::size_t i = 0; i < fieldNames.size(); ++i) {
        if (text.compare(QStringView(fieldNames[i]), Qt::CaseInsensitive) == 0)
            return ContactField(i);
    }
    return std::nullopt;
}

QString toString(RejectionReason reason)
{
    return QString::fromUtf16(reasonNames[std::size_t(reason)]);
}

} // namespace Dialdeck
