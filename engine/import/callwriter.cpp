#include "callwriter.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Parameter numbers of the INSERT below, counted from 1 as SQLite does.
enum Parameter {
    BatchIdParameter = 1,
    LineParameter,
    NameParameter,
    PhoneRawParameter,
    E164Parameter,
    RegionParameter,
    TimeZonesParameter,
    TimeZoneSourceParameter,
    StatusParameter,
    ExtraParameter,
};

constexpr const char *insertSql =
    "INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, tz_source, "
    "status, attempt_count, next_due_at, skip_reason, extra) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, '', ?)";

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::Import", text);
}

sqlite3 *handleOf(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.data());
}

// Appends `text` as UTF-8. Contact data is mostly ASCII, which is copied
// directly; the rest goes through Qt's encoder.
void appendUtf8(std::string &out, QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x80) {
            const QByteArray rest = text.sliced(i).toUtf8();
            out.append(rest.constData(), std::size_t(rest.size()));
            return;
        }
        out.push_back(char(c));
    }
}

void assignUtf8(std::string &out, QStringView text)
{
    out.clear();
    appendUtf8(out, text);
}

// True when QJsonDocument writes `text` unchanged apart from UTF-8 encoding:
// no quote, backslash or control character, which it escapes, and no
// surrogate, which it may write as an escape when unpaired.
bool isPlainJsonText(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) {
        const char16_t u = c.unicode();
        return u >= 0x20 && u != u'"' && u != u'\\' && !c.isSurrogate();
    });
}

bool appendPlainJson(std::string &out, const QJsonObject &object)
{
    const std::size_t start = out.size();
    out.push_back('{');
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString key = it.key();
        const QJsonValue value = it.value();
        const QString text = value.toString();
        if (!value.isString() || !isPlainJsonText(key) || !isPlainJsonText(text)) {
            out.resize(start);
            return false;
        }
        if (it != object.constBegin())
            out.push_back(',');
        out.push_back('"');
        appendUtf8(out, key);
        out.append("\":\"");
        appendUtf8(out, text);
        out.push_back('"');
    }
    out.push_back('}');
    return true;
}

void bindText(sqlite3_stmt *statement, int parameter, const std::string &text)
{
    sqlite3_bind_text(statement, parameter, text.data(), int(text.size()), SQLITE_STATIC);
}

} // namespace

CallWriter::CallWriter(QSqlDatabase db)
    : m_db(std::move(db))
{
}

CallWriter::~CallWriter()
{
    sqlite3_finalize(m_statement);
}

Error CallWriter::failure(const QString &operation) const
{
    const QString detail = m_handle ? QString::fromUtf8(sqlite3_errmsg(m_handle))
                                    : tr("the connection is not a SQLite connection");
    qCWarning(lcImport).noquote() << operation << "failed:" << detail;
    return Error{u"store_failed"_s, QCoreApplication::translate("Dialdeck::Store", "%1 failed: %2.")
                                        .arg(operation, detail)};
}

Result<void> CallWriter::prepare(const QString &batchId)
{
    m_handle = handleOf(m_db);
    if (!m_handle)
        return failure(tr("Preparing the insertion of calls"));

    sqlite3_finalize(m_statement);
    m_statement = nullptr;
    if (sqlite3_prepare_v3(m_handle, insertSql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement,
                           nullptr)
        != SQLITE_OK) {
        m_statement = nullptr;
        return failure(tr("Preparing the insertion of calls"));
    }

    // Bindings survive sqlite3_reset(), so the values shared by every row are bound once.
    m_batchId = batchId;
    assignUtf8(m_batchIdText, batchId);
    assignUtf8(m_statusText, toString(CallStatus::Pending));
    bindText(m_statement, BatchIdParameter, m_batchIdText);
    bindText(m_statement, StatusParameter, m_statusText);
    return {};
}

Result<void> CallWriter::insert(const CallRecord &call)
{
    Q_ASSERT(m_statement);

    // Empty strings, never NULL, for the NOT NULL text columns.
    assignUtf8(m_name, call.name);
    assignUtf8(m_phoneRaw, call.phoneRaw);
    assignUtf8(m_e164, call.e164);
    assignUtf8(m_region, call.region);
    m_timeZones.clear();
    for (const QByteArray &zone : call.timeZones) {
        if (!m_timeZones.empty())
            m_timeZones.push_back('&');
        m_timeZones.append(zone.constData(), std::size_t(zone.size()));
    }
    assignUtf8(m_timeZoneSource, toString(call.timeZoneSource));
    m_extra.clear();
    appendJson(m_extra, call.extra);

    sqlite3_bind_int64(m_statement, LineParameter, call.line);
    bindText(m_statement, NameParameter, m_name);
    bindText(m_statement, PhoneRawParameter, m_phoneRaw);
    bindText(m_statement, E164Parameter, m_e164);
    bindText(m_statement, RegionParameter, m_region);
    bindText(m_statement, TimeZonesParameter, m_timeZones);
    bindText(m_statement, TimeZoneSourceParameter, m_timeZoneSource);
    bindText(m_statement, ExtraParameter, m_extra);

    if (sqlite3_step(m_statement) == SQLITE_DONE) {
        sqlite3_reset(m_statement);
        return {};
    }
    // The message is read before sqlite3_reset(), which may replace it.
    Error error = failure(tr("Saving the call of line %1 of batch %2").arg(call.line).arg(m_batchId));
    sqlite3_reset(m_statement);
    return error;
}

void CallWriter::appendJson(std::string &out, const QJsonObject &object)
{
    if (appendPlainJson(out, object))
        return;
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    out.append(json.constData(), std::size_t(json.size()));
}

} // namespace Dialdeck
