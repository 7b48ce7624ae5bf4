#include "monitor/calllogmodel.h"
#include "monitor/calllogquery.h"
#include "monitorteststore.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

Q_DECLARE_METATYPE(Dialdeck::CallLogFilter)

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int CallCount = 200000;
constexpr int PageSize = CallLogReader::PageSize;
// Generous for a COUNT plus an id scan of 200,000 calls on a loaded machine.
constexpr int ReadyTimeoutMs = 30000;

} // namespace

class TestCallLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void modelTesterOnLargeBatch();
    void rowCountMatchesFilter_data();
    void rowCountMatchesFilter();
    void sortMatchesStoreOrder_data();
    void sortMatchesStoreOrder();
    void lastPageMatchesStore();
    void cacheStaysBounded();
    void reloadShowsStatusChange();
    void filterChoicesListNumbersAndZones();
    void missingStoreReportsError();
    void readerPageTime();

private:
    // Opens a model on the generated batch and waits until it has the row ids.
    bool openModel(CallLogModel &model, const CallLogFilter &filter = {});
    // Waits until `row` is loaded, asking for it the way a view does.
    bool loadRow(CallLogModel &model, int row);
    qint64 scalar(const QString &sql, const QVariantList &values);
    QList<qint64> ids(const QString &sql, const QVariantList &values);

    MonitorTestStore m_store;
};

void TestCallLogModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<QList<CallLogRow>>();

    QElapsedTimer timer;
    timer.start();
    const QString error = m_store.create(CallCount);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString otherError = m_store.addOtherBatch(1000);
    QVERIFY2(otherError.isEmpty(), qPrintable(otherError));
    qInfo() << "Generated" << CallCount << "calls in" << timer.elapsed() << "ms";
}

bool TestCallLogModel::openModel(CallLogModel &model, const CallLogFilter &filter)
{
    QSignalSpy ready(&model, &CallLogModel::ready);
    model.setFilter(filter);
    model.open(m_store.path());
    model.setBatch(m_store.batchId());
    return ready.wait(ReadyTimeoutMs) || model.isReady();
}

bool TestCallLogModel::loadRow(CallLogModel &model, int row)
{
    model.data(model.index(row, CallLogModel::NameColumn));
    return QTest::qWaitFor([&] { return model.isRowLoaded(row); }, ReadyTimeoutMs);
}

qint64 TestCallLogModel::scalar(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(m_store.database());
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec() || !query.next()) {
        qWarning() << "Query failed:" << sql << query.lastError().text();
        return -1;
    }
    return query.value(0).toLongLong();
}

QList<qint64> TestCallLogModel::ids(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(m_store.database());
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    QList<qint64> result;
    if (!query.exec()) {
        qWarning() << "Query failed:" << sql << query.lastError().text();
        return result;
    }
    while (query.next())
        result << query.value(0).toLongLong();
    return result;
}

void TestCallLogModel::modelTesterOnLargeBatch()
{
    CallLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QVERIFY(openModel(model));
    QCOMPARE(model.rowCount(), CallCount);
    QCOMPARE(model.columnCount(), int(CallLogModel::ColumnCount));

    // Rows at the start, the middle and the end, as a view scrolled there requests them.
    for (int row : {0, PageSize - 1, PageSize, CallCount / 2, CallCount - 1}) {
        QVERIFY2(loadRow(model, row), qPrintable(u"row %1 did not load"_s.arg(row)));
        QVERIFY(model.callIdAt(row).has_value());
        QVERIFY(!model.data(model.index(row, CallLogModel::E164Column)).toString().isEmpty());
    }

    // A page that is not loaded shows a placeholder rather than blocking.
    const int unloadedRow = 3 * PageSize + 5;
    QVERIFY(!model.isRowLoaded(unloadedRow));
    QCOMPARE(model.data(model.index(unloadedRow, CallLogModel::LoadedRole)).toBool(), false);
    QVERIFY(!model.data(model.index(unloadedRow, CallLogModel::NameColumn)).toString().isEmpty());
    QVERIFY(!model.data(model.index(unloadedRow, CallLogModel::IdColumn), CallLogModel::CallIdRole).isValid());
    QTRY_VERIFY_WITH_TIMEOUT(model.isRowLoaded(unloadedRow), ReadyTimeoutMs);

    model.refresh();
    QCOMPARE(model.rowCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), CallCount, ReadyTimeoutMs);
}

void TestCallLogModel::rowCountMatchesFilter_data()
{
    QTest::addColumn<CallLogFilter>("filter");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QVariantList>("values");

    const QString batch = m_store.batchId();
    const QString caller = m_store.phones().at(1).e164;

    QTest::newRow("no filter") << CallLogFilter{} << u"batch_id = ?"_s << QVariantList{batch};
    QTest::newRow("status pending")
        << CallLogFilter{CallStatus::Pending, {}, {}, {}}
        << u"batch_id = ? AND status = 'pending'"_s << QVariantList{batch};
    QTest::newRow("status in progress, none")
        << CallLogFilter{CallStatus::InProgress, {}, {}, {}}
        << u"batch_id = ? AND status = 'in_progress'"_s << QVariantList{batch};
    QTest::newRow("caller number")
        << CallLogFilter{{}, caller, {}, {}}
        << u"batch_id = ? AND id IN (SELECT call_id FROM attempts WHERE caller_e164 = ?)"_s
        << QVariantList{batch, caller};
    QTest::newRow("zone in a two-zone list")
        << CallLogFilter{{}, {}, u"America/Denver"_s, {}}
        << u"batch_id = ? AND time_zones LIKE '%America/Denver%'"_s << QVariantList{batch};
    QTest::newRow("zone also in lists")
        << CallLogFilter{{}, {}, u"America/Chicago"_s, {}}
        << u"batch_id = ? AND time_zones LIKE '%America/Chicago%'"_s << QVariantList{batch};
    QTest::newRow("zone prefix only, none")
        << CallLogFilter{{}, {}, u"America/Chi"_s, {}} << u"0"_s << QVariantList{};
    QTest::newRow("text in name, any case")
        << CallLogFilter{{}, {}, {}, u"smith"_s}
        << u"batch_id = ? AND name LIKE '%Smith%'"_s << QVariantList{batch};
    QTest::newRow("text in number")
        << CallLogFilter{{}, {}, {}, u"+15550001"_s}
        << u"batch_id = ? AND e164 LIKE '+15550001%'"_s << QVariantList{batch};
    QTest::newRow("percent sign is literal")
        << CallLogFilter{{}, {}, {}, u"%"_s} << u"0"_s << QVariantList{};
    QTest::newRow("underscore is literal")
        << CallLogFilter{{}, {}, {}, u"_"_s} << u"0"_s << QVariantList{};
    QTest::newRow("status, caller and text")
        << CallLogFilter{CallStatus::Completed, caller, {}, u"Jones"_s}
        << u"batch_id = ? AND status = 'completed' AND name LIKE '%Jones%' AND id IN "
           "(SELECT call_id FROM attempts WHERE caller_e164 = ?)"_s
        << QVariantList{batch, caller};
}

void TestCallLogModel::rowCountMatchesFilter()
{
    QFETCH(CallLogFilter, filter);
    QFETCH(QString, where);
    QFETCH(QVariantList, values);

    const qint64 expected = where == u"0" ? 0 : scalar(u"SELECT COUNT(*) FROM calls WHERE "_s + where, values);
    QVERIFY(expected >= 0);

    CallLogModel model;
    QVERIFY(openModel(model, filter));
    QCOMPARE(model.rowCount(), int(expected));
}

void TestCallLogModel::sortMatchesStoreOrder_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QString>("orderBy");

    QTest::newRow("id descending") << int(CallLogModel::IdColumn) << Qt::DescendingOrder
                                   << u"id DESC"_s;
    QTest::newRow("name ascending") << int(CallLogModel::NameColumn) << Qt::AscendingOrder
                                    << u"name, id"_s;
    QTest::newRow("number descending") << int(CallLogModel::E164Column) << Qt::DescendingOrder
                                       << u"e164 DESC, id DESC"_s;
    QTest::newRow("attempts descending") << int(CallLogModel::AttemptsColumn)
                                         << Qt::DescendingOrder << u"attempt_count DESC, id DESC"_s;
    QTest::newRow("next due ascending") << int(CallLogModel::NextDueUtcColumn)
                                        << Qt::AscendingOrder << u"next_due_at, id"_s;
    // The enumeration order puts pending (0) first and waiting_for_window (1) next.
    QTest::newRow("status in life-cycle order")
        << int(CallLogModel::StatusColumn) << Qt::AscendingOrder
        << u"CASE status WHEN 'pending' THEN 0 WHEN 'waiting_for_window' THEN 1 ELSE 2 END, id"_s;
}

void TestCallLogModel::sortMatchesStoreOrder()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QString, orderBy);

    CallLogModel model;
    QVERIFY(openModel(model));
    QSignalSpy ready(&model, &CallLogModel::ready);
    model.sort(column, order);
    QVERIFY(ready.wait(ReadyTimeoutMs));

    const QList<qint64> expected = ids(u"SELECT id FROM calls WHERE batch_id = ? ORDER BY "_s
                                           + orderBy + u" LIMIT 300"_s,
                                       {m_store.batchId()});
    QCOMPARE(expected.size(), 300);
    QVERIFY(loadRow(model, 299));
    QVERIFY(loadRow(model, 0));
    for (int row = 0; row < expected.size(); ++row)
        QCOMPARE(model.callIdAt(row).value_or(-1), expected.at(row));
}

void TestCallLogModel::lastPageMatchesStore()
{
    CallLogFilter filter;
    filter.status = CallStatus::Busy;
    CallLogModel model;
    QVERIFY(openModel(model, filter));

    const QList<qint64> expected =
        ids(u"SELECT id FROM calls WHERE batch_id = ? AND status = 'busy' ORDER BY id"_s,
            {m_store.batchId()});
    QCOMPARE(model.rowCount(), int(expected.size()));

    const int last = model.rowCount() - 1;
    QVERIFY(loadRow(model, last));
    QCOMPARE(model.callIdAt(last).value_or(-1), expected.constLast());
    QCOMPARE(model.data(model.index(last, CallLogModel::StatusColumn)).toString(), u"Busy"_s);
}

void TestCallLogModel::cacheStaysBounded()
{
    CallLogModel model;
    QVERIFY(openModel(model));

    const int pages = CallLogModel::MaxCachedPages + 20;
    for (int page = 0; page < pages; ++page)
        model.data(model.index(page * PageSize, CallLogModel::NameColumn));
    QVERIFY(loadRow(model, (pages - 1) * PageSize));

    QVERIFY(model.cachedPageCount() <= CallLogModel::MaxCachedPages);
    QVERIFY(model.cachedPageCount() > 0);
    // The most recently loaded page survives eviction.
    QVERIFY(model.isRowLoaded((pages - 1) * PageSize));
}

void TestCallLogModel::reloadShowsStatusChange()
{
    CallLogModel model;
    QVERIFY(openModel(model));
    QVERIFY(loadRow(model, 1));
    const qint64 callId = model.callIdAt(1).value_or(-1);
    QCOMPARE(model.data(model.index(1, CallLogModel::StatusColumn)).toString(), u"Completed"_s);

    QCOMPARE(scalar(u"UPDATE calls SET status = 'in_progress' WHERE id = ? RETURNING id"_s, {callId}),
             callId);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.reloadCachedPages();
    // The old text stays until the new page arrives.
    QCOMPARE(model.data(model.index(1, CallLogModel::StatusColumn)).toString(), u"Completed"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.data(model.index(1, CallLogModel::StatusColumn)).toString(),
                              u"In progress"_s, ReadyTimeoutMs);
    QVERIFY(!changed.isEmpty());

    // Reloading a row range reads only the pages of those rows.
    QCOMPARE(scalar(u"UPDATE calls SET status = 'completed' WHERE id = ? RETURNING id"_s, {callId}),
             callId);
    QSignalSpy loaded(&model, &CallLogModel::pageLoaded);
    model.reloadCachedRows(0, 3);
    QTRY_COMPARE_WITH_TIMEOUT(model.data(model.index(1, CallLogModel::StatusColumn)).toString(),
                              u"Completed"_s, ReadyTimeoutMs);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded.constFirst().at(0).toInt(), 0);
}

void TestCallLogModel::filterChoicesListNumbersAndZones()
{
    CallLogModel model;
    QSignalSpy choices(&model, &CallLogModel::filterChoicesChanged);
    QVERIFY(openModel(model));
    QTRY_VERIFY_WITH_TIMEOUT(!choices.isEmpty(), ReadyTimeoutMs);

    const QStringList callers = choices.constLast().at(0).toStringList();
    const QStringList zones = choices.constLast().at(1).toStringList();
    QCOMPARE(callers, (QStringList{m_store.phones().at(0).e164, m_store.phones().at(1).e164}));
    QCOMPARE(zones, (QStringList{u"America/Chicago"_s, u"America/Denver"_s,
                                 u"America/Los_Angeles"_s, u"America/New_York"_s}));
}

void TestCallLogModel::missingStoreReportsError()
{
    QTemporaryDir dir;
    CallLogModel model;
    QSignalSpy openFailed(&model, &CallLogModel::openFailed);
    QSignalSpy loadFailed(&model, &CallLogModel::loadFailed);

    model.open(dir.filePath(u"missing.sqlite"_s));
    model.setBatch(m_store.batchId());

    QVERIFY(openFailed.wait(ReadyTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(!loadFailed.isEmpty(), ReadyTimeoutMs);
    QVERIFY(!openFailed.constFirst().at(0).toString().isEmpty());
    QCOMPARE(model.rowCount(), 0);
}

void TestCallLogModel::readerPageTime()
{
    CallLogReader reader;
    QSignalSpy opened(&reader, &CallLogReader::openFinished);
    QSignalSpy pages(&reader, &CallLogReader::pageFetched);
    reader.open(m_store.path());
    QCOMPARE(opened.constFirst().at(0).toString(), QString());

    CallLogQuery query;
    query.batchId = m_store.batchId();
    QElapsedTimer timer;
    timer.start();
    reader.prepare(1, query);
    const qint64 prepareMs = timer.elapsed();

    // Pages spread over the whole batch, the worst case for OFFSET paging.
    const int pageCount = CallCount / PageSize;
    const QList<int> probes = {0, pageCount / 4, pageCount / 2, pageCount - 2, pageCount - 1};
    timer.restart();
    for (int page : probes)
        reader.fetchPage(1, page);
    const double pageMs = double(timer.nsecsElapsed()) / 1e6 / probes.size();

    QCOMPARE(pages.size(), probes.size());
    const auto rows = pages.at(2).at(2).value<QList<CallLogRow>>();
    QCOMPARE(rows.size(), PageSize);
    QVERIFY(rows.constFirst().id < rows.constLast().id);
    qInfo("Call log reader: prepare %lld ms for %d calls, %.2f ms per page of %d rows", prepareMs,
          CallCount, pageMs, PageSize);

    // Refresh cost of sorts that need a temporary B-tree or a subquery per call.
    QSignalSpy keys(&reader, &CallLogReader::keysReady);
    quint64 generation = 1;
    for (int column : {int(CallLogModel::NameColumn), int(CallLogModel::LastCallerColumn)}) {
        query.sortColumn = column;
        timer.restart();
        reader.prepare(++generation, query);
        qInfo("Call log reader: prepare sorted by column %d: %lld ms", column, timer.elapsed());
        QCOMPARE(keys.constLast().at(1).toLongLong(), qint64(CallCount));
    }
}

QTEST_MAIN(TestCallLogModel)
#include "tst_calllogmodel.moc"
