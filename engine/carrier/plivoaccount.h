#pragma once

#include "core/result.h"
#include "plivorestclient.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace Dialdeck {

// One phone number of the account, as GET .../Number/ lists it.
struct PlivoNumber
{
    // E.164 with "+"; Plivo lists the digits without it.
    QString e164;
    // Empty when Plivo has none (null).
    QString alias;
    QString region;
    QString country;
    bool voiceEnabled = false;
};

// The balance and kind of the account, from GET /v1/Account/{auth_id}/.
struct PlivoCredit
{
    // US dollars as Plivo writes them, e.g. "4.88860".
    QString cashCredits;
    // "prepaid" or "postpaid".
    QString billingMode;
    // "standard" (paid) or "developer" (trial).
    QString accountType;
    // IANA name of the zone of the account's CDR timestamps.
    QString timeZone;
};

// One page of the number list and where the next one starts.
struct PlivoNumberPage
{
    QList<PlivoNumber> numbers;
    // Set while meta.next is not null: the offset of the next page.
    std::optional<int> nextOffset;
};

// Reads the account's numbers and credit through Plivo's REST API (or a
// Plivo-compatible service such as dialdeck-sim). Each call is asynchronous
// and ends with exactly one call of its handler on this object's thread,
// unless this object is destroyed first, in which case the handler never runs.
class PlivoAccount final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlivoAccount)

public:
    using NumbersDone = std::function<void(const Result<QList<PlivoNumber>> &numbers)>;
    using CreditDone = std::function<void(const Result<PlivoCredit> &credit)>;

    // Plivo's page size maximum, used for every page.
    static constexpr int PageLimit = 20;
    // Stops a listing whose meta.next never ends: 500 pages of 20 numbers.
    static constexpr int MaxPages = 500;

    // `settings` needs the base URL, Auth ID and Auth Token (validateApiAccess()).
    explicit PlivoAccount(PlivoSettings settings, QObject *parent = nullptr);
    ~PlivoAccount() override;

    // Lists every number of the account, all pages (limit 20, offset 0, 20,
    // ...) until meta.next is null.
    void listNumbers(NumbersDone done);
    // Reads cash credits, billing mode, account type and time zone.
    void credit(CreditDone done);

    // Parse one JSON response; public so that the tests can check odd shapes.
    static Result<PlivoNumberPage> parseNumberPage(const QJsonObject &json);
    static Result<PlivoCredit> parseCredit(const QJsonObject &json);

    // The error for a failed reply, in words that say what to check.
    Error errorFor(const PlivoReply &reply, const QString &what) const;

private:
    struct Listing;

    void fetchPage(std::shared_ptr<Listing> listing, int offset);

    PlivoSettings m_settings;
    std::unique_ptr<PlivoRestClient> m_client;
};

} // namespace Dialdeck
