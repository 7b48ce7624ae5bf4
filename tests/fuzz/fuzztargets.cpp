#include "fuzztargets.h"

#include "api/batchcommandrequest.h"
#include "api/callpagerequest.h"
#include "api/requestbody.h"
#include "api/startcallingrequest.h"
#include "carrier/formparams.h"
#include "carrier/plivocallback.h"
#include "carrier/plivosignature.h"
#include "import/contactreader.h"
#include "import/delimitedparser.h"
#include "import/metadatanumberparser.h"
#include "import/phonenormaliser.h"
#include "import/textdecoder.h"
#include "relay/relayframe.h"

#include <QDir>
#include <QFile>
#include <QTemporaryFile>
#include <QUrlQuery>

#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace Dialdeck::Fuzz {

using namespace Qt::StringLiterals;

namespace {

// Aborts with a message when a parser property does not hold.
void require(bool condition, const char *property)
{
    if (condition)
        return;
    std::fprintf(stderr, "Fuzz property failed: %s\n", property);
    std::abort();
}

// The first byte of an input picks an option; the rest is the data.
quint8 takeByte(QByteArrayView &input)
{
    if (input.isEmpty())
        return 0;
    const quint8 byte = quint8(input.front());
    input = input.sliced(1);
    return byte;
}

// Reads the whole file the way the importer does: open, then rows in chunks.
void runContactReader(QByteArrayView input)
{
    QTemporaryFile file(QDir::tempPath() + u"/dialdeck-fuzz-XXXXXX.csv"_s);
    if (!file.open())
        return;
    file.write(input.data(), input.size());
    file.flush();

    ContactReader reader;
    if (!reader.open(file.fileName(), std::nullopt))
        return;

    QList<SourceRow> rows;
    for (int chunk = 0; chunk < 100000; ++chunk) {
        Result<bool> more = reader.read(rows, 64);
        if (!more || !*more)
            break;
    }
    int lastLine = 0;
    for (const SourceRow &row : std::as_const(rows)) {
        require(row.line > lastLine, "contact rows come with rising line numbers");
        lastLine = row.line;
    }
}

// Feeding the text in two pieces gives the same rows as feeding it at once.
void runDelimitedParser(QByteArrayView input)
{
    static constexpr char16_t Delimiters[] = {u',', u';', u'\t', u'|'};
    const QChar delimiter(Delimiters[takeByte(input) % 4]);
    const qsizetype split = input.isEmpty() ? 0 : takeByte(input) % (input.size() + 1);
    const QString text = QString::fromUtf8(input);
    const qsizetype cut = std::min(split, text.size());

    DelimitedParser whole(delimiter);
    QList<SourceRow> wholeRows;
    whole.feed(text, wholeRows);
    whole.finish(wholeRows);

    DelimitedParser pieces(delimiter);
    QList<SourceRow> pieceRows;
    pieces.feed(QStringView(text).first(cut), pieceRows);
    pieces.feed(QStringView(text).sliced(cut), pieceRows);
    pieces.finish(pieceRows);

    require(wholeRows.size() == pieceRows.size(), "split input gives the same number of rows");
    for (qsizetype i = 0; i < wholeRows.size(); ++i) {
        require(wholeRows.at(i).line == pieceRows.at(i).line, "split input keeps line numbers");
        require(wholeRows.at(i).fields == pieceRows.at(i).fields, "split input keeps fields");
    }

    DelimitedParser::sniffDelimiter(text);
}

// Decoding in two pieces gives the same text as decoding at once, in every encoding.
void runTextDecoder(QByteArrayView input)
{
    const qsizetype split = input.isEmpty() ? 0 : takeByte(input) % (input.size() + 1);

    Utf8Validator validator;
    validator.add(input);
    const TextDecoder::Encoding detected = TextDecoder::detect(input, validator.isValid());
    TextDecoder::bomLength(input, detected);

    for (const TextDecoder::Encoding encoding :
         {TextDecoder::Encoding::Utf8, TextDecoder::Encoding::Utf16LE,
          TextDecoder::Encoding::Utf16BE, TextDecoder::Encoding::Windows1252}) {
        // ContactReader picks UTF-8 only for input the validator accepts; Qt's
        // decoder may replace an invalid sequence split across chunks differently.
        if (encoding == TextDecoder::Encoding::Utf8 && !validator.isValid())
            continue;

        const QString all = TextDecoder::decodeAll(input, encoding);
        // decodeAll() skips the byte order mark, as callers of decode() must.
        const QByteArrayView text = input.sliced(TextDecoder::bomLength(input, encoding));
        TextDecoder decoder(encoding);
        const qsizetype cut = std::min(split, text.size());
        QString pieces = decoder.decode(text.first(cut));
        pieces += decoder.decode(text.sliced(cut));
        pieces += decoder.decode({});
        require(pieces == all, "chunked decoding matches decoding at once");
    }
}

// The digits of `raw`, after a plus sign when one comes before the first digit.
std::string compactDigitsOf(const QString &raw)
{
    std::string compact;
    for (QChar c : raw) {
        if (c >= u'0' && c <= u'9')
            compact.push_back(char(c.unicode()));
        else if (c == u'+' && compact.empty())
            compact.push_back('+');
    }
    return compact;
}

// The metadata parser returns only numbers that PhoneNumberUtil's Parse() and
// IsValidNumberForRegion() for the calling code's main region accept, with
// the same E.164 text and region.
void checkMetadataParser(const QString &raw, const QString &region)
{
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;

    const std::string compact = compactDigitsOf(raw);
    const std::string regionCode = region.toStdString();
    const std::optional<MetadataNumber> parsed = MetadataNumberParser::instance().parse(compact,
                                                                                       regionCode);
    if (!parsed)
        return;

    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    require(util.Parse(compact, regionCode, &number) == PhoneNumberUtil::NO_PARSING_ERROR,
            "PhoneNumberUtil parses what the metadata parser parsed");
    std::string main;
    util.GetRegionCodeForCountryCode(number.country_code(), &main);
    require(util.IsValidNumberForRegion(number, main),
            "PhoneNumberUtil finds valid what the metadata parser found valid");
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    require(parsed->e164.toStdString() == e164 && parsed->region.toStdString() == main,
            "the metadata parser gives PhoneNumberUtil's E.164 text and region");
}

// A number that normalises is "+" and digits only.
void runPhoneNormaliser(QByteArrayView input)
{
    static const PhoneNormaliser normaliser;
    static const QString Regions[] = {u"US"_s, u"GB"_s, u"DE"_s, u"AU"_s, u"IN"_s, u"BR"_s,
                                      u"ZZ"_s, u""_s};
    const QString &region = Regions[takeByte(input) % 8];
    const QString raw = QString::fromUtf8(input);

    const auto checkE164 = [](const Result<NormalisedPhone> &phone) {
        if (!phone)
            return;
        const QString &e164 = phone->e164;
        // libphonenumber accepts national numbers of up to 17 digits (some
        // German ones), beyond E.164's 15, after a country code of 1 to 3.
        require(e164.startsWith(u'+') && e164.size() >= 2 && e164.size() <= 21,
                "a normalised number is + and at most 20 digits");
        for (qsizetype i = 1; i < e164.size(); ++i)
            require(e164.at(i).isDigit(), "a normalised number has only digits after +");
    };

    checkE164(normaliser.normalise(raw, region));
    const qsizetype space = raw.indexOf(u' ');
    if (space > 0)
        checkE164(normaliser.normaliseWithCallingCode(QStringView(raw).sliced(space + 1),
                                                      QStringView(raw).first(space), region));

    checkMetadataParser(raw, region);

    PhoneNormaliser::isScientificNotation(raw);
    PhoneNormaliser::cleanSpaces(raw);
    QString withExtension = raw;
    PhoneNormaliser::takeExtension(withExtension);
}

// A body that parses encodes to a body that parses to the same fields, and a
// signature computed over it verifies.
void runFormParams(QByteArrayView input)
{
    const QByteArrayView header = input.first(std::min<qsizetype>(input.size(), 64));
    FormParams::parseLenient(input);

    Result<PlivoSignature::Params> params = FormParams::parse(input);
    if (!params)
        return;

    const QByteArray encoded = FormParams::encode(*params);
    Result<PlivoSignature::Params> again = FormParams::parse(encoded);
    require(again.ok(), "encoded fields parse again");
    require(*again == *params, "encoded fields parse to the same fields");

    const QString url = u"https://example.invalid/plivo/hangup?attempt=7"_s;
    const QString nonce = u"12345678901234567890"_s;
    const QByteArray signature = PlivoSignature::computeV3("token", "POST", url, *params, nonce);
    require(PlivoSignature::verifyV3("token", "POST", url, *params, nonce, signature),
            "a computed V3 signature verifies");
    PlivoSignature::verifyV3("token", "POST", url, *params, nonce, header);
}

// Every callback kind accepts or rejects the fields without crashing; an
// accepted event carries a call UUID.
void runPlivoCallback(QByteArrayView input)
{
    const PlivoSignature::Params params = FormParams::parseLenient(input);
    for (const PlivoCallback::Kind kind :
         {PlivoCallback::Kind::Ring, PlivoCallback::Kind::Answer, PlivoCallback::Kind::Hangup,
          PlivoCallback::Kind::Machine}) {
        Result<CarrierEvent> event = PlivoCallback::toEvent(kind, params, 7, 1'700'000'000'000);
        if (event)
            require(!event->callUuid.isEmpty(), "an accepted callback has a call UUID");
    }
}

// The REST request parsers accept or reject a body with an error message.
void runRestRequest(QByteArrayView input)
{
    Result<StartCallingRequest> start = StartCallingRequest::parse(input);
    if (!start)
        require(!start.error().message.isEmpty(), "a rejected start request has a message");
    else
        require(!start->batchId.isEmpty(), "an accepted start request has a batch id");

    Result<BatchCommandRequest> command = BatchCommandRequest::parse(input);
    if (!command)
        require(!command.error().message.isEmpty(), "a rejected command has a message");

    Result<QJsonObject> object = RequestBody::parseObject(input);
    if (object) {
        Result<QString> id = RequestBody::requiredId(*object, u"batchId"_s);
        if (!id)
            require(!id.error().message.isEmpty(), "a rejected id has a message");
    }

    Result<CallPageRequest> page = CallPageRequest::parse(QUrlQuery(QString::fromUtf8(input)));
    if (page)
        require(page->limit >= 1 && page->limit <= CallPageRequest::MaxLimit && page->offset >= 0,
                "an accepted page has a limit in range and no negative offset");
}

// A frame that parses serialises to JSON that parses to the same JSON again.
void runRelayFrame(QByteArrayView input)
{
    Result<RelayFrame> frame = RelayFrame::parse(input);
    if (!frame) {
        require(!frame.error().message.isEmpty(), "a rejected frame has a message");
        return;
    }

    const QByteArray json = frame->toJson();
    Result<RelayFrame> again = RelayFrame::parse(json);
    require(again.ok(), "a serialised frame parses again");
    require(again->toJson() == json, "a serialised frame round-trips");
}

} // namespace

const QList<Target> &targets()
{
    static const QList<Target> all = {
        {"contactreader", runContactReader}, {"delimitedparser", runDelimitedParser},
        {"textdecoder", runTextDecoder},     {"phonenormaliser", runPhoneNormaliser},
        {"formparams", runFormParams},       {"plivocallback", runPlivoCallback},
        {"restrequest", runRestRequest},     {"relayframe", runRelayFrame},
    };
    return all;
}

const Target *findTarget(QByteArrayView name)
{
    for (const Target &target : targets()) {
        if (name == QByteArrayView(target.name))
            return &target;
    }
    return nullptr;
}

} // namespace Dialdeck::Fuzz
