#pragma once

#include "columnmapper.h"
#include "contactreader.h"
#include "importtypes.h"
#include "rowconverter.h"

#include <QFuture>
#include <QThreadPool>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace Dialdeck {

// Streams a contact file through the converters. A reading thread reads and
// decodes chunks of rows, and a thread pool (one thread per core but one)
// normalises them. The calling thread receives the converted chunks in file order, so
// reading, normalising and storing overlap.
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

    // See RowConverter::setExtraAsJson(). Call after open().
    void setExtraAsJson(bool asJson) { m_converter->setExtraAsJson(asJson); }

    ContactFormat format() const { return m_reader.format(); }
    const QStringList &headers() const { return m_reader.headers(); }
    const ColumnMap &columns() const { return m_columns; }

    // Checks that `config` names a region libphonenumber supports and a known IANA zone.
    static Result<void> checkConfig(const BatchConfig &config);

private:
    // Chunks being converted, in file order, between the reading thread and
    // the calling thread. The reading thread waits while it is full.
    class ChunkQueue
    {
    public:
        explicit ChunkQueue(std::size_t capacity);

        // Reading thread: false once the calling thread stopped.
        bool waitForRoom();
        void put(QFuture<QList<ContactCandidate>> chunk);
        void finish(std::optional<Error> error);

        // Calling thread: the next chunk, or nothing at the end of the file
        // or after a read error.
        std::optional<QFuture<QList<ContactCandidate>>> take();
        void stop();
        void waitForAll();
        std::optional<Error> readError() const;

    private:
        const std::size_t m_capacity;
        mutable std::mutex m_mutex;
        std::condition_variable m_changed;
        std::deque<QFuture<QList<ContactCandidate>>> m_chunks;
        bool m_finished = false;
        bool m_stopped = false;
        std::optional<Error> m_error;
    };

    void readChunks(ChunkQueue &queue);

    ImportOptions m_options;
    ContactReader m_reader;
    ColumnMap m_columns;
    std::unique_ptr<RowConverter> m_converter;
    QThreadPool m_pool;
};

} // namespace Dialdeck
