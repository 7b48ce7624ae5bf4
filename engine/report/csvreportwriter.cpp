#include "csvreportwriter.h"

#include "core/logging.h"
#include "csvencoder.h"
#include "reportlayout.h"
#include "store/batchrepository.h"
#include "store/sqlsupport.h"

#include <QDate>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSaveFile>
#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 ProgressInterval = 1000;
// Encoded rows are collected up to this many bytes before each write to the file.
constexpr qsizetype FlushThreshold = 256 * 1024;
constexpr int MoneyDecimals = 5;

QString kindName(ReportKind kind)
{
    return kind == ReportKind::Calls ? u"calls"_s : u"attempts"_s;
}

constexpr qint64 MsPerDay = 24 * 60 * 60 * 1000;
constexpr qint64 JulianDayOfUnixEpoch = 2440588;

void appendDigits(QByteArray &out, int value, int width)
{
    char digits[4];
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = char('0' + value % 10);
        value /= 10;
    }
    out.append(digits, width);
}

// Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" as QDateTime::toString(Qt::ISODateWithMs)
// does for a UTC time. In bench/report, QDateTime::toString took about a
// third of the export time.
void appendTime(QByteArray &out, qint64 msSinceEpoch)
{
    const qint64 day = msSinceEpoch >= 0 ? msSinceEpoch / MsPerDay
                                         : (msSinceEpoch - MsPerDay + 1) / MsPerDay;
    const qint64 msOfDay = msSinceEpoch - day * MsPerDay;
    const QDate date = QDate::fromJulianDay(day + JulianDayOfUnixEpoch);
    if (!date.isValid() || date.year() < 1 || date.year() > 9999) {
        out += QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC)
                   .toString(Qt::ISODateWithMs)
                   .toLatin1();
        return;
    }

    int year = 0;
    int month = 0;
    int dayOfMonth = 0;
    date.getDate(&year, &month, &dayOfMonth);
    appendDigits(out, year, 4);
    out += '-';
    appendDigits(out, month, 2);
    out += '-';
    appendDigits(out, dayOfMonth, 2);
    out += 'T';
    appendDigits(out, int(msOfDay / 3'600'000), 2);
    out += ':';
    appendDigits(out, int(msOfDay / 60'000 % 60), 2);
    out += ':';
    appendDigits(out, int(msOfDay / 1000 % 60), 2);
    out += '.';
    appendDigits(out, int(msOfDay % 1000), 3);
    out += 'Z';
}

void appendCell(QByteArray &out, const QVariant &value, CellFormat format)
{
    if (value.isNull())
        return;

    switch (format) {
    case CellFormat::Text:
        CsvEncoder::appendText(out, value.toString());
        return;
    case CellFormat::PhoneNumber:
        CsvEncoder::appendPhoneNumber(out, value.toString());
        return;
    case CellFormat::Integer:
        out += QByteArray::number(value.toLongLong());
        return;
    case CellFormat::Time:
        appendTime(out, value.toLongLong());
        return;
    case CellFormat::Money:
        out += QByteArray::number(value.toDouble(), 'f', MoneyDecimals);
        return;
    }
}

void appendHeader(QByteArray &out, const ReportLayout &layout)
{
    // The byte order mark makes spreadsheet programs read the file as UTF-8
    // instead of the system's 8-bit code page.
    out += "\xEF\xBB\xBF";
    for (qsizetype i = 0; i < layout.columns.size(); ++i) {
        if (i > 0)
            out += ',';
        CsvEncoder::appendField(out, layout.columns[i].header);
    }
    out += "\r\n";
}

void appendRow(QByteArray &out, const QSqlQuery &query, const ReportLayout &layout)
{
    for (qsizetype i = 0; i < layout.columns.size(); ++i) {
        if (i > 0)
            out += ',';
        appendCell(out, query.value(int(i)), layout.columns[i].format);
    }
    out += "\r\n";
}

// Holds the state of one export so that each step stays small.
class ReportExport
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::CsvReportWriter)

public:
    ReportExport(QSqlDatabase db, const ReportOptions &options,
                 const CsvReportWriter::Progress &progress)
        : m_db(std::move(db))
        , m_options(options)
        , m_progress(progress)
        , m_layout(ReportLayout::forKind(options.kind))
        , m_file(options.outputPath)
    {
    }

    Result<qint64> run();

private:
    Result<void> checkBatch();
    Result<qint64> countRows();
    Result<void> openFile();
    Result<qint64> streamRows(qint64 total);
    Result<void> flush();
    bool reportProgress(qint64 done, qint64 total);
    Error writeError(const QString &reason) const;
    Error cancelledError() const;

    QSqlDatabase m_db;
    const ReportOptions &m_options;
    const CsvReportWriter::Progress &m_progress;
    const ReportLayout &m_layout;
    QSaveFile m_file;
    QByteArray m_buffer;
};

Result<qint64> ReportExport::run()
{
    if (Result<void> batch = checkBatch(); !batch)
        return batch.error();

    Result<qint64> total = countRows();
    if (!total)
        return total.error();

    if (Result<void> opened = openFile(); !opened)
        return opened.error();

    Result<qint64> written = streamRows(*total);
    if (!written) {
        // Without a commit QSaveFile deletes its temporary file, and the target stays as it was.
        m_file.cancelWriting();
        return written;
    }

    if (!m_file.commit())
        return writeError(m_file.errorString());
    return written;
}

Result<void> ReportExport::checkBatch()
{
    Result<std::optional<Batch>> batch = BatchRepository(m_db).find(m_options.batchId);
    if (!batch)
        return batch.error();
    if (!batch->has_value()) {
        return Error{u"batch_not_found"_s,
                     tr("Batch \"%1\" was not found in the store; check the id in the batch "
                        "list.")
                         .arg(m_options.batchId)};
    }
    return {};
}

Result<qint64> ReportExport::countRows()
{
    QSqlQuery query(m_db);
    query.prepare(m_layout.countSql);
    query.bindValue(u":batch"_s, m_options.batchId);
    const QString operation = tr("Counting the rows of the %1 report of batch %2")
                                  .arg(kindName(m_options.kind), m_options.batchId);
    if (Result<void> done = execQuery(query, operation); !done)
        return done.error();
    if (!query.next())
        return storeError(operation, query.lastError());
    return query.value(0).toLongLong();
}

Result<void> ReportExport::openFile()
{
    if (m_options.outputPath.isEmpty()) {
        return Error{u"report_write_failed"_s,
                     tr("No output file was given for the report of batch %1; choose a file "
                        "to write it to.")
                         .arg(m_options.batchId)};
    }
    if (!m_file.open(QIODevice::WriteOnly))
        return writeError(m_file.errorString());
    return {};
}

Result<qint64> ReportExport::streamRows(qint64 total)
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(m_layout.selectSql);
    query.bindValue(u":batch"_s, m_options.batchId);
    const QString operation = tr("Reading the %1 report of batch %2")
                                  .arg(kindName(m_options.kind), m_options.batchId);
    if (Result<void> done = execQuery(query, operation); !done)
        return done.error();

    m_buffer.reserve(FlushThreshold + 4096);
    appendHeader(m_buffer, m_layout);

    qint64 done = 0;
    while (query.next()) {
        appendRow(m_buffer, query, m_layout);
        ++done;

        if (m_buffer.size() >= FlushThreshold) {
            if (Result<void> flushed = flush(); !flushed)
                return flushed.error();
        }
        if (done % ProgressInterval == 0 && !reportProgress(done, total))
            return cancelledError();
    }
    if (query.lastError().isValid())
        return storeError(operation, query.lastError());

    if (Result<void> flushed = flush(); !flushed)
        return flushed.error();
    if ((done % ProgressInterval != 0 || done == 0) && !reportProgress(done, total))
        return cancelledError();
    return done;
}

Result<void> ReportExport::flush()
{
    if (m_file.write(m_buffer) != m_buffer.size())
        return writeError(m_file.errorString());
    m_buffer.resize(0);
    return {};
}

bool ReportExport::reportProgress(qint64 done, qint64 total)
{
    if (!m_progress)
        return true;
    return m_progress(done, total);
}

Error ReportExport::writeError(const QString &reason) const
{
    return Error{u"report_write_failed"_s,
                 tr("Writing the report to %1 failed: %2. Choose a folder you can write to, "
                    "or free disk space, and export again.")
                     .arg(m_options.outputPath, reason)};
}

Error ReportExport::cancelledError() const
{
    return Error{u"report_cancelled"_s,
                 tr("The report of batch %1 was cancelled; %2 was not created or changed.")
                     .arg(m_options.batchId, m_options.outputPath)};
}

} // namespace

Result<qint64> CsvReportWriter::write(QSqlDatabase db, const ReportOptions &options,
                                      const Progress &progress)
{
    qCInfo(lcReport).noquote() << "Writing the" << kindName(options.kind) << "report of batch"
                               << options.batchId << "to" << options.outputPath;
    QElapsedTimer timer;
    timer.start();

    // One read transaction gives the row count and the rows from the same
    // snapshot while the engine keeps writing. If the caller's connection is
    // already inside a transaction, that one serves the same purpose.
    const bool ownTransaction = db.transaction();
    Result<qint64> written = ReportExport(db, options, progress).run();
    if (ownTransaction)
        db.commit();

    if (written) {
        qCInfo(lcReport).noquote() << "Wrote" << *written << "rows of batch" << options.batchId
                                   << "to" << options.outputPath << "in" << timer.elapsed()
                                   << "ms";
    } else if (written.error().code == u"report_cancelled") {
        qCInfo(lcReport).noquote() << "Report of batch" << options.batchId
                                   << "cancelled; left" << options.outputPath << "unchanged";
    } else {
        qCWarning(lcReport).noquote() << "Report of batch" << options.batchId << "failed:"
                                      << written.error().message;
    }
    return written;
}

} // namespace Dialdeck
