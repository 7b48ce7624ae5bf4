#pragma once

#include "columnmapper.h"
#include "contactreader.h"
#include "importtypes.h"
#include "rowconverter.h"

#include <QThreadPool>

#include <functional>
#include <memory>

namespace Dialdeck {

// Streams a contact file through the converters: the calling thread reads
// and decodes chunks of rows, a thread pool (one thread per core) normalises
// them, and the calling thread receives the converted chunks in file order.
// libphonenumber dominates the cost, so the normalising runs on every core.
class ImportPipeline
{
public:
    explicit ImportPipeline(const ImportOptions &options);
    ~ImportPipeline();
    ImportPipeline(const ImportPipeline &) = delete;
    ImportPipeline &operator=(const ImportPipeline &) = delete;

    // Checks the batch's default region and zone, opens the file and maps its columns.
    Result<void> open();

    // Converts every row and hands each chunk to `consume` in file order,
    // with the number of rows converted so far. Returns false when `consume`
    // returned false, which stops the reading.
    using Consumer = std::function<bool(QList<ContactCandidate> &&chunk, qint64 rowsDone)>;
    Result<bool> run(const Consumer &consume);

    ContactFormat format() const { return m_reader.format(); }
    const QStringList &headers() const { return m_reader.headers(); }
    const ColumnMap &columns() const { return m_columns; }

    // Checks that `config` names a region libphonenumber supports and a known IANA zone.
    static Result<void> checkConfig(const BatchConfig &config);

private:
    ImportOptions m_options;
    ContactReader m_reader;
    ColumnMap m_columns;
    std::unique_ptr<RowConverter> m_converter;
    QThreadPool m_pool;
};

} // namespace Dialdeck
