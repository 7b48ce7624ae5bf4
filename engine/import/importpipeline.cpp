#include "importpipeline.h"

#include "timezonetable.h"

#include <QCoreApplication>
#include <QFuture>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <deque>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Rows per unit of work. Large enough that handing a chunk to a worker costs
// little next to normalising it (about 25 µs a number), small enough that
// the chunks in flight stay a few megabytes.
constexpr qsizetype chunkRows = 2048;

QList<ContactCandidate> convertChunk(const RowConverter *converter, const QList<SourceRow> &rows)
{
    QList<ContactCandidate> candidates;
    candidates.reserve(rows.size());
    for (const SourceRow &row : rows)
        candidates.append(converter->convert(row));
    return candidates;
}

} // namespace

ImportPipeline::ImportPipeline(const ImportOptions &options)
    : m_options(options)
{
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
}

ImportPipeline::~ImportPipeline()
{
    m_pool.waitForDone();
}

Result<void> ImportPipeline::checkConfig(const BatchConfig &config)
{
    if (!PhoneNormaliser::isSupportedRegion(config.defaultRegion)) {
        return Error{u"invalid_config"_s,
                     QCoreApplication::translate("Dialdeck::Import",
                                                 "The default region \"%1\" is not a region "
                                                 "code libphonenumber knows; use a two-letter "
                                                 "ISO 3166 code such as US or DE.")
                         .arg(config.defaultRegion)};
    }
    if (TimeZoneTable::canonicalZoneId(QString::fromUtf8(config.defaultTimeZone)).isEmpty()) {
        return Error{u"invalid_config"_s,
                     QCoreApplication::translate("Dialdeck::Import",
                                                 "The default time zone \"%1\" is not a known "
                                                 "IANA zone; use a name such as "
                                                 "America/New_York.")
                         .arg(QString::fromUtf8(config.defaultTimeZone))};
    }
    return {};
}

Result<void> ImportPipeline::open()
{
    if (Result<void> config = checkConfig(m_options.config); !config)
        return config;
    if (Result<void> opened = m_reader.open(m_options.filePath, m_options.format); !opened)
        return opened;

    Result<ColumnMap> columns = ColumnMapper::map(m_reader.headers(), m_reader.format(),
                                                  m_options.mapping);
    if (!columns)
        return columns.error();
    m_columns = *columns;

    m_converter = std::make_unique<RowConverter>(m_reader.headers(), m_columns, m_reader.format(),
                                                 m_options.config, TimeZoneTable::instance());
    return {};
}

Result<bool> ImportPipeline::run(const Consumer &consume)
{
    Q_ASSERT(m_converter);

    // Enough chunks in flight to keep every worker busy while the calling
    // thread reads or stores.
    const std::size_t maxInFlight = std::size_t(m_pool.maxThreadCount()) * 2 + 2;
    std::deque<QFuture<QList<ContactCandidate>>> inFlight;
    qint64 rowsDone = 0;
    const auto waitForAll = [&inFlight] {
        for (QFuture<QList<ContactCandidate>> &future : inFlight)
            future.waitForFinished();
    };
    const auto consumeFirst = [&inFlight, &rowsDone, &consume] {
        QList<ContactCandidate> chunk = inFlight.front().result();
        inFlight.pop_front();
        rowsDone += chunk.size();
        return consume(std::move(chunk), rowsDone);
    };

    bool more = true;
    while (more) {
        QList<SourceRow> rows;
        rows.reserve(chunkRows);
        Result<bool> read = m_reader.read(rows, chunkRows);
        if (!read) {
            waitForAll();
            return read.error();
        }
        more = *read;

        if (!rows.isEmpty()) {
            inFlight.push_back(QtConcurrent::run(&m_pool, convertChunk, m_converter.get(),
                                                 std::move(rows)));
        }
        while (inFlight.size() >= maxInFlight || (!more && !inFlight.empty())) {
            if (!consumeFirst()) {
                waitForAll();
                return false;
            }
        }
    }
    return true;
}

} // namespace Dialdeck
