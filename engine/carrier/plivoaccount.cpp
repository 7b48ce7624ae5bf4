#include "plivoaccount.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QUrlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::PlivoAccount", text);
}

Error badResponse(const QString &detail)
{
    return Error{u"carrier_failed"_s,
                 tr("Plivo's answer could not be read: %1. Check that the base URL points at "
                    "Plivo's API or a Plivo-compatible service.")
                     .arg(detail)};
}

// Plivo writes amounts and names as strings; a few compatible services send
// numbers, which are taken as written.
QString textOf(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toDouble(), 'f', 5);
    return value.toString();
}

} // namespace

struct PlivoAccount::Listing
{
    QList<PlivoNumber> numbers;
    NumbersDone done;
    int pages = 0;
};

PlivoAccount::PlivoAccount(PlivoSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_client(std::make_unique<PlivoRestClient>(m_settings, this))
{}

PlivoAccount::~PlivoAccount() = default;

void PlivoAccount::listNumbers(NumbersDone done)
{
    if (Result<void> access = m_settings.validateApiAccess(); !access) {
        QMetaObject::invokeMethod(
            this, [done = std::move(done), error = access.error()] { done(error); },
            Qt::QueuedConnection);
        return;
    }

    auto listing = std::make_shared<Listing>();
    listing->done = std::move(done);
    fetchPage(std::move(listing), 0);
}

void PlivoAccount::fetchPage(std::shared_ptr<Listing> listing, int offset)
{
    QUrlQuery query;
    query.addQueryItem(u"limit"_s, QString::number(PageLimit));
    query.addQueryItem(u"offset"_s, QString::number(offset));

    m_client->get(u"Number/"_s, query, [this, listing, offset](const PlivoReply &reply) {
        if (!reply.isSuccess()) {
            listing->done(errorFor(reply, tr("Listing the account's numbers")));
            return;
        }

        Result<PlivoNumberPage> page = parseNumberPage(reply.json);
        if (!page) {
            listing->done(page.error());
            return;
        }
        listing->numbers.append(page->numbers);
        ++listing->pages;

        if (!page->nextOffset) {
            qCInfo(lcPlivo) << "Listed" << listing->numbers.size() << "numbers in" << listing->pages
                            << "pages";
            listing->done(listing->numbers);
            return;
        }

        // A next offset that does not move forward would list the same page forever.
        if (*page->nextOffset <= offset || listing->pages >= MaxPages) {
            listing->done(
                badResponse(tr("the number list does not end after %1 pages (next offset %2)")
                                .arg(listing->pages)
                                .arg(*page->nextOffset)));
            return;
        }
        fetchPage(listing, *page->nextOffset);
    });
}

void PlivoAccount::credit(CreditDone done)
{
    if (Result<void> access = m_settings.validateApiAccess(); !access) {
        QMetaObject::invokeMethod(
            this, [done = std::move(done), error = access.error()] { done(error); },
            Qt::QueuedConnection);
        return;
    }

    // The account resource is the account path itself: /v1/Account/{auth_id}/.
    m_client->get(QString(), {}, [this, done = std::move(done)](const PlivoReply &reply) {
        if (!reply.isSuccess()) {
            done(errorFor(reply, tr("Reading the account's credit")));
            return;
        }
        done(parseCredit(reply.json));
    });
}

Result<PlivoNumberPage> PlivoAccount::parseNumberPage(const QJsonObject &json)
{
    const QJsonValue objects = json.value(u"objects"_s);
    const QJsonValue meta = json.value(u"meta"_s);
    if (!objects.isArray() || !meta.isObject())
        return badResponse(tr("the number list has no \"objects\" array or no \"meta\" object"));

    PlivoNumberPage page;
    const QJsonArray array = objects.toArray();
    for (const QJsonValue &item : array) {
        const QJsonObject object = item.toObject();
        QString digits = textOf(object.value(u"number"_s)).trimmed();
        if (digits.startsWith(u'+'))
            digits.remove(0, 1);
        if (digits.isEmpty())
            return badResponse(tr("a listed number has no \"number\" field"));

        PlivoNumber number;
        number.e164 = u'+' + digits;
        number.alias = object.value(u"alias"_s).toString();
        number.region = object.value(u"region"_s).toString();
        number.country = object.value(u"country"_s).toString();
        number.voiceEnabled = object.value(u"voice_enabled"_s).toBool();
        page.numbers.append(number);
    }

    const QJsonObject metaObject = meta.toObject();
    if (!metaObject.value(u"next"_s).isNull() && !metaObject.value(u"next"_s).isUndefined()) {
        // The next page starts after this one; meta.next holds the same offset
        // in a relative URL, which is read here only for its offset.
        const QUrl next(metaObject.value(u"next"_s).toString());
        const QUrlQuery nextQuery(next);
        bool ok = false;
        const int offset = nextQuery.queryItemValue(u"offset"_s).toInt(&ok);
        if (!ok)
            return badResponse(tr("meta.next \"%1\" has no offset").arg(next.toString()));
        page.nextOffset = offset;
    }
    return page;
}

Result<PlivoCredit> PlivoAccount::parseCredit(const QJsonObject &json)
{
    if (!json.contains(u"cash_credits"_s))
        return badResponse(tr("the account has no \"cash_credits\" field"));

    PlivoCredit credit;
    credit.cashCredits = textOf(json.value(u"cash_credits"_s));
    credit.billingMode = json.value(u"billing_mode"_s).toString();
    credit.accountType = json.value(u"account_type"_s).toString();
    credit.timeZone = json.value(u"timezone"_s).toString();
    return credit;
}

Error PlivoAccount::errorFor(const PlivoReply &reply, const QString &what) const
{
    const QString base = m_settings.baseUrl.toString();
    if (reply.httpStatus == 401) {
        return Error{u"unauthorized"_s,
                     tr("%1 failed: %2 refused the Auth ID %3 and its Auth Token (HTTP 401); "
                        "check the Plivo credentials.")
                         .arg(what, base, m_settings.authId)};
    }
    if (reply.httpStatus == 404) {
        return Error{u"not_found"_s,
                     tr("%1 failed: %2 has no account %3 (HTTP 404); check the Auth ID and "
                        "the base URL.")
                         .arg(what, base, m_settings.authId)};
    }
    if (reply.timedOut) {
        return Error{u"carrier_failed"_s,
                     tr("%1 failed: %2 did not answer within %3 s; check the base URL and the "
                        "network, then try again.")
                         .arg(what, base)
                         .arg(m_settings.requestTimeoutMs / 1000.0)};
    }
    if (reply.httpStatus == 0) {
        return Error{u"carrier_failed"_s,
                     tr("%1 failed: %2 could not be reached (%3); check the base URL and the "
                        "network.")
                         .arg(what, base, reply.networkError)};
    }
    return Error{u"carrier_failed"_s, tr("%1 failed: HTTP %2 from %3: %4")
                                          .arg(what)
                                          .arg(reply.httpStatus)
                                          .arg(base, reply.errorText())};
}

} // namespace Dialdeck
