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

// Parameters shared by every row of an INSERT, numbered from 1 as SQLite does.
enum SharedParameter
{
    BatchIdParameter = 1,
    StatusParameter,
    SharedParameterCount = StatusParameter,
};

// Parameters of one row, counted from the row's first parameter.
enum RowParameter
{
    LineParameter,
    NameParameter,
    PhoneRawParameter,
    E164Parameter,
    RegionParameter,
    TimeZonesParameter,
    TimeZoneSourceParameter,
    ExtraParameter,
    RowParameterCount,
};

// Rows per multi-row INSERT. One statement per row spent about a fifth of SQLite's
// time starting and ending statements (sqlite3VdbeHalt and the cursors) in
// bench_import; 64 rows take 514 parameters, far below SQLite's limit of 32,766.
constexpr int rowsPerGroup = 64;

// Groups encoded ahead of the writing thread; more only hold memory.
constexpr std::size_t maxWaitingGroups = 8;

std::string insertSql(int rows)
{
    std::string sql = "INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, "
                      "time_zones, tz_source, status, attempt_count, next_due_at, skip_reason, "
                      "extra) VALUES ";
    for (int row = 0; row < rows; ++row) {
        const int first = SharedParameterCount + row * RowParameterCount + 1;
        const auto parameter = [first](int offset) {
            return "?" + std::to_string(first + offset);
        };
        if (row > 0)
            sql += ", ";
        sql += "(?1, " + parameter(LineParameter) + ", " + parameter(NameParameter) + ", " +
               parameter(PhoneRawParameter) + ", " + parameter(E164Parameter) + ", " +
               parameter(RegionParameter) + ", " + parameter(TimeZonesParameter) + ", " +
               parameter(TimeZoneSourceParameter) + ", ?2, 0, NULL, '', " +
               parameter(ExtraParameter) + ")";
    }
    return sql;
}

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

// Appends one "key":"value" member of plain texts, after a comma unless first.
void appendPlainMember(std::string &out, QStringView key, QStringView text, bool first)
{
    if (!first)
        out.push_back(',');
    out.push_back('"');
    appendUtf8(out, key);
    out.append("\":\"");
    appendUtf8(out, text);
    out.push_back('"');
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
        appendPlainMember(out, key, text, it == object.constBegin());
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
    , m_current(std::make_unique<Group>())
{
    m_current->rows.resize(std::size_t(rowsPerGroup));
}

CallWriter::~CallWriter()
{
    stopWriting();
    sqlite3_finalize(m_rowStatement);
    sqlite3_finalize(m_groupStatement);
}

Error CallWriter::failure(const QString &operation) const
{
    const QString detail = m_handle ? QString::fromUtf8(sqlite3_errmsg(m_handle))
                                    : tr("the connection is not a SQLite connection");
    qCWarning(lcImport).noquote() << operation << "failed:" << detail;
    return Error{
        u"store_failed"_s,
        QCoreApplication::translate("Dialdeck::Store", "%1 failed: %2.").arg(operation, detail)};
}

sqlite3_stmt *CallWriter::prepared(int rows) const
{
    const std::string sql = insertSql(rows);
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(m_handle, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK) {
        sqlite3_finalize(statement);
        return nullptr;
    }

    // Bindings survive sqlite3_reset(), so the values shared by every row are bound once.
    bindText(statement, BatchIdParameter, m_batchIdText);
    bindText(statement, StatusParameter, m_statusText);
    return statement;
}

Result<void> CallWriter::prepare(const QString &batchId)
{
    stopWriting();
    m_handle = handleOf(m_db);
    if (!m_handle)
        return failure(tr("Preparing the insertion of calls"));

    sqlite3_finalize(m_rowStatement);
    sqlite3_finalize(m_groupStatement);
    m_current->count = 0;
    m_error.reset();
    m_batchId = batchId;
    assignUtf8(m_batchIdText, batchId);
    assignUtf8(m_statusText, toString(CallStatus::Pending));
    m_rowStatement = prepared(1);
    m_groupStatement = prepared(rowsPerGroup);
    if (!m_rowStatement || !m_groupStatement)
        return failure(tr("Preparing the insertion of calls"));

    m_stopping = false;
    m_writing = std::thread([this] { writeGroups(); });
    return {};
}

Result<void> CallWriter::insert(const CallRecord &call)
{
    if (Result<void> appended = append(call); !appended)
        return appended;
    return flush();
}

Result<void> CallWriter::append(const CallRecord &call, std::string_view extraJson)
{
    Q_ASSERT(m_groupStatement);

    encode(call, extraJson, m_current->rows[std::size_t(m_current->count)]);
    ++m_current->count;
    if (m_current->count < rowsPerGroup)
        return {};

    // Hands the full group to the writing thread and continues with a written one.
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock,
                   [this] { return !m_written.empty() || m_waiting.size() < maxWaitingGroups; });
    if (m_error) {
        m_current->count = 0;
        return *m_error;
    }
    m_waiting.push_back(std::move(m_current));
    if (!m_written.empty()) {
        m_current = std::move(m_written.back());
        m_written.pop_back();
    } else {
        m_current = std::make_unique<Group>();
        m_current->rows.resize(std::size_t(rowsPerGroup));
    }
    m_current->count = 0;
    m_changed.notify_all();
    return {};
}

Result<void> CallWriter::flush()
{
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_waiting.empty() && !m_writingGroup; });
        if (m_error) {
            m_current->count = 0;
            return *m_error;
        }
    }

    // The writing thread is idle, so this thread may use the connection.
    Result<void> written;
    for (int row = 0; row < m_current->count && written; ++row)
        written = write(m_rowStatement, *m_current, row, 1);
    m_current->count = 0;
    return written;
}

void CallWriter::writeGroups()
{
    std::unique_lock lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return !m_waiting.empty() || m_stopping; });
        if (m_waiting.empty())
            return;

        std::unique_ptr<Group> group = std::move(m_waiting.front());
        m_waiting.pop_front();
        m_writingGroup = true;
        const bool failed = m_error.has_value();
        lock.unlock();

        // After a failure the rest is dropped: the caller rolls the import back.
        Result<void> written =
            failed ? Result<void>() : write(m_groupStatement, *group, 0, rowsPerGroup);

        lock.lock();
        if (!written && !m_error)
            m_error = written.error();
        m_writingGroup = false;
        m_written.push_back(std::move(group));
        m_changed.notify_all();
    }
}

void CallWriter::stopWriting()
{
    if (!m_writing.joinable())
        return;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_changed.notify_all();
    }
    m_writing.join();
}

void CallWriter::encode(const CallRecord &call, std::string_view extraJson, RowText &row)
{
    // Empty strings, never NULL, for the NOT NULL text columns.
    row.line = call.line;
    assignUtf8(row.name, call.name);
    assignUtf8(row.phoneRaw, call.phoneRaw);
    assignUtf8(row.e164, call.e164);
    assignUtf8(row.region, call.region);
    row.timeZones.clear();
    for (const QByteArray &zone : call.timeZones) {
        if (!row.timeZones.empty())
            row.timeZones.push_back('&');
        row.timeZones.append(zone.constData(), std::size_t(zone.size()));
    }
    assignUtf8(row.timeZoneSource, toString(call.timeZoneSource));
    if (!extraJson.empty()) {
        row.extra.assign(extraJson);
        return;
    }
    row.extra.clear();
    appendJson(row.extra, call.extra);
}

Result<void> CallWriter::write(sqlite3_stmt *statement, const Group &group, int firstRow, int rows)
{
    for (int i = 0; i < rows; ++i) {
        const RowText &row = group.rows[std::size_t(firstRow + i)];
        const int first = SharedParameterCount + i * RowParameterCount + 1;
        sqlite3_bind_int64(statement, first + LineParameter, row.line);
        bindText(statement, first + NameParameter, row.name);
        bindText(statement, first + PhoneRawParameter, row.phoneRaw);
        bindText(statement, first + E164Parameter, row.e164);
        bindText(statement, first + RegionParameter, row.region);
        bindText(statement, first + TimeZonesParameter, row.timeZones);
        bindText(statement, first + TimeZoneSourceParameter, row.timeZoneSource);
        bindText(statement, first + ExtraParameter, row.extra);
    }

    if (sqlite3_step(statement) == SQLITE_DONE) {
        sqlite3_reset(statement);
        return {};
    }
    // The message is read before sqlite3_reset(), which may replace it.
    const qint64 firstLine = group.rows[std::size_t(firstRow)].line;
    const qint64 lastLine = group.rows[std::size_t(firstRow + rows - 1)].line;
    Error error =
        rows == 1
            ? failure(tr("Saving the call of line %1 of batch %2").arg(firstLine).arg(m_batchId))
            : failure(tr("Saving the calls of lines %1 to %2 of batch %3")
                          .arg(firstLine)
                          .arg(lastLine)
                          .arg(m_batchId));
    sqlite3_reset(statement);
    return error;
}

void CallWriter::appendJson(std::string &out, const QJsonObject &object)
{
    if (appendPlainJson(out, object))
        return;
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    out.append(json.constData(), std::size_t(json.size()));
}

void CallWriter::appendJson(std::string &out, const QList<std::pair<QString, QString>> &fields)
{
    const bool plain = std::all_of(fields.begin(), fields.end(), [](const auto &field) {
        return isPlainJsonText(field.first) && isPlainJsonText(field.second);
    });
    if (!plain) {
        QJsonObject object;
        for (const auto &[key, value] : fields)
            object.insert(key, value);
        appendJson(out, object);
        return;
    }

    out.push_back('{');
    for (qsizetype i = 0; i < fields.size(); ++i)
        appendPlainMember(out, fields[i].first, fields[i].second, i == 0);
    out.push_back('}');
}

} // namespace Dialdeck
