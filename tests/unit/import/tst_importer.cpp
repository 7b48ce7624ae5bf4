#include "import/importer.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/donotcallrepository.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// A call as stored, read back from the calls table.
struct StoredCall
{
    int line = 0;
    QString name;
    QString phoneRaw;
    QString e164;
    QString region;
    QString timeZones;
    QString timeZoneSource;
    QString status;
    int attemptCount = -1;
    bool nextDueIsNull = false;
    QJsonObject extra;
};

QList<StoredCall> storedCalls(QSqlDatabase db, const QString &batchId)
{
    QSqlQuery query(db);
    query.prepare(u"SELECT line, name, phone_raw, e164, region, time_zones, tz_source, status, "
                  "attempt_count, next_due_at IS NULL, extra FROM calls WHERE batch_id = ? "
                  "ORDER BY line"_s);
    query.addBindValue(batchId);
    if (!query.exec())
        qFatal("Could not read the calls back");

    QList<StoredCall> calls;
    while (query.next()) {
        StoredCall call;
        call.line = query.value(0).toInt();
        call.name = query.value(1).toString();
        call.phoneRaw = query.value(2).toString();
        call.e164 = query.value(3).toString();
        call.region = query.value(4).toString();
        call.timeZones = query.value(5).toString();
        call.timeZoneSource = query.value(6).toString();
        call.status = query.value(7).toString();
        call.attemptCount = query.value(8).toInt();
        call.nextDueIsNull = query.value(9).toBool();
        call.extra = QJsonDocument::fromJson(query.value(10).toByteArray()).object();
        calls.append(call);
    }
    return calls;
}

qint64 countRows(QSqlDatabase db, const QString &table)
{
    QSqlQuery query(db);
    if (!query.exec(u"SELECT COUNT(*) FROM "_s + table) || !query.next())
        qFatal("Could not count rows");
    return query.value(0).toLongLong();
}

QString rejectionList(const QList<RejectedRow> &rows)
{
    QStringList parts;
    for (const RejectedRow &row : rows)
        parts.append(u"%1:%2"_s.arg(row.line).arg(row.reasonCode));
    return parts.join(u' ');
}

const StoredCall *callOnLine(const QList<StoredCall> &calls, int line)
{
    for (const StoredCall &call : calls) {
        if (call.line == line)
            return &call;
    }
    return nullptr;
}

} // namespace

class TestImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void importsEveryTestDataFile_data();
    void importsEveryTestDataFile();
    void googleContactsStoredValues();
    void excelFileZoneSources();
    void zoneFromDefaultWhenNoPrefix();
    void invalidZoneColumnWarns();
    void extensionKeptInExtra();
    void storedExtraMatchesPreview();
    void pageCacheSizeRestored_data();
    void pageCacheSizeRestored();
    void doNotCallNumbersRejected();
    void mappingOverridesDetection();
    void mappingToMissingColumnFails();
    void missingPhoneColumnListsHeaders();
    void batchIdCollisionLeavesNoRows();
    void cancelLeavesNoRows();
    void vicidialFileImports();
    void previewWritesNothing();
    void validateRecordsChecksDuplicatesAndDnc();

private:
    QString writeFile(const QString &name, const QByteArray &bytes);
    ImportOptions optionsFor(const QString &path) const;

    std::unique_ptr<QTemporaryDir> m_folder;
    std::optional<Connection> m_connection;
};

void TestImporter::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestImporter::init()
{
    m_folder = std::make_unique<QTemporaryDir>();
    QVERIFY(m_folder->isValid());
    Result<Connection> connection = Connection::openSqlite(m_folder->filePath(u"store.sqlite"_s),
                                                           u"test"_s);
    QVERIFY2(connection, qPrintable(connection.ok() ? QString() : connection.error().message));
    m_connection.emplace(std::move(connection).value());
}

void TestImporter::cleanup()
{
    m_connection.reset();
    m_folder.reset();
}

QString TestImporter::writeFile(const QString &name, const QByteArray &bytes)
{
    const QString path = m_folder->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("Could not write %s", qPrintable(path));
    return path;
}

ImportOptions TestImporter::optionsFor(const QString &path) const
{
    ImportOptions options;
    options.filePath = path;
    options.batchName = u"Test batch"_s;
    return options;
}

void TestImporter::importsEveryTestDataFile_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("imported");
    // "line:reason_code" of every rejected row, in file order.
    QTest::addColumn<QString>("rejected");

    const QHash<QString, std::tuple<int, int, QString>> expected = {
        {u"google-contacts.csv"_s,
         {25, 19,
          u"11:duplicate 12:scientific_notation 13:too_short 14:invalid 15:empty 19:duplicate"_s}},
        {u"excel-semicolon-bom.csv"_s, {10, 7, u"5:scientific_notation 9:empty 11:duplicate"_s}},
    };

    const QDir data(qEnvironmentVariable("DIALDECK_TEST_DATA"));
    const QStringList files = data.entryList({u"*.csv"_s, u"*.tsv"_s, u"*.txt"_s}, QDir::Files);
    QVERIFY2(!files.isEmpty(), qPrintable(data.path()));
    for (const QString &file : files) {
        if (!expected.contains(file))
            QFAIL(qPrintable(u"No expected results for %1; add them to this table."_s.arg(file)));
        const auto &[rows, imported, rejected] = expected.value(file);
        QTest::newRow(qPrintable(file)) << data.filePath(file) << rows << imported << rejected;
    }
}

void TestImporter::importsEveryTestDataFile()
{
    QFETCH(QString, path);
    QFETCH(int, rows);
    QFETCH(int, imported);
    QFETCH(QString, rejected);

    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));

    QCOMPARE(summary->totalRows, rows);
    QCOMPARE(summary->imported, imported);
    QCOMPARE(rejectionList(summary->rejected), rejected);
    QCOMPARE(countRows(db, u"calls"_s), imported);

    qint64 counted = 0;
    for (qint64 count : summary->rejectedByReason)
        counted += count;
    QCOMPARE(counted, summary->rejected.size());

    Result<std::optional<Batch>> batch = BatchRepository(db).find(summary->batchId);
    QVERIFY(batch && batch->has_value());
    QCOMPARE(toString((*batch)->status), toString(BatchStatus::Draft));
    QCOMPARE((*batch)->name, u"Test batch"_s);
}

void TestImporter::googleContactsStoredValues()
{
    const QString path = qEnvironmentVariable("DIALDECK_TEST_DATA") + u"/google-contacts.csv"_s;
    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(toString(summary->format), toString(ContactFormat::GoogleContacts));
    QCOMPARE(summary->rejectedByReason.value(u"duplicate"_s), 2);

    const QList<StoredCall> calls = storedCalls(db, summary->batchId);

    const StoredCall *avery = callOnLine(calls, 2);
    QVERIFY(avery);
    QCOMPARE(avery->name, u"Avery Lindqvist"_s);
    QCOMPARE(avery->phoneRaw, u"(212) 555-0142"_s);
    QCOMPARE(avery->e164, u"+12125550142"_s);
    QCOMPARE(avery->region, u"US"_s);
    QCOMPARE(avery->timeZones, u"America/New_York"_s);
    QCOMPARE(avery->timeZoneSource, u"phone_prefix"_s);
    QCOMPARE(avery->status, u"pending"_s);
    QCOMPARE(avery->attemptCount, 0);
    QVERIFY(avery->nextDueIsNull);
    QCOMPARE(avery->extra.value(u"E-mail 1 - Value").toString(), u"avery.lindqvist@example.com"_s);
    QVERIFY(!avery->extra.contains(u"Phone 1 - Value"));
    QVERIFY(!avery->extra.contains(u"Middle Name"));

    // Two phone columns: the first is dialed, the second kept as an alternate.
    const StoredCall *bruno = callOnLine(calls, 3);
    QVERIFY(bruno);
    QCOMPARE(bruno->e164, u"+12125550187"_s);
    QCOMPARE(bruno->extra.value(u"alternatePhones").toArray(), QJsonArray{u"+12125550188"_s});

    // Two numbers in one value joined by " ::: ".
    const StoredCall *chiara = callOnLine(calls, 4);
    QVERIFY(chiara);
    QCOMPARE(chiara->name, u"Chiara Delacroix-Ibáñez"_s);
    QCOMPARE(chiara->e164, u"+14155550132"_s);
    QCOMPARE(chiara->extra.value(u"alternatePhones").toArray(), QJsonArray{u"+14155550177"_s});
    QCOMPARE(chiara->extra.value(u"Middle Name").toString(), u"M."_s);

    const StoredCall *emilie = callOnLine(calls, 7);
    QVERIFY(emilie);
    QCOMPARE(emilie->name, u"Émilie Nakamura"_s);

    // Area code 907 covers two zones; dialing needs the window open in both.
    const StoredCall *gunnar = callOnLine(calls, 9);
    QVERIFY(gunnar);
    QCOMPARE(gunnar->timeZones, u"America/Adak&America/Anchorage"_s);

    // Igor's number differs from Dmitri's only by its extension, which is not
    // dialed, so it is the same call.
    const RejectedRow igor = summary->rejected.first();
    QCOMPARE(igor.line, 11);
    QCOMPARE(igor.value, u"+1 (415) 555-0199 ext 12"_s);
    QVERIFY2(igor.reason.contains(u"line 5"), qPrintable(igor.reason));

    const StoredCall *nadia = callOnLine(calls, 16);
    QVERIFY(nadia);
    QCOMPARE(nadia->e164, u"+442079460321"_s);
    QCOMPARE(nadia->region, u"GB"_s);
    // The table maps 442 to London alone; 44 also lists the Crown Dependencies.
    QCOMPARE(nadia->timeZones, u"Europe/London"_s);

    const RejectedRow duplicate = summary->rejected.last();
    QCOMPARE(duplicate.line, 19);
    QCOMPARE(duplicate.value, u"(212) 555-0142"_s);
    QVERIFY2(duplicate.reason.contains(u"line 2"), qPrintable(duplicate.reason));
}

void TestImporter::excelFileZoneSources()
{
    const QString path = qEnvironmentVariable("DIALDECK_TEST_DATA") + u"/excel-semicolon-bom.csv"_s;
    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(toString(summary->format), toString(ContactFormat::Delimited));

    const QList<StoredCall> calls = storedCalls(db, summary->batchId);
    const StoredCall *jonas = callOnLine(calls, 2);
    QVERIFY(jonas);
    QCOMPARE(jonas->name, u"Jonas Weber"_s);
    QCOMPARE(jonas->e164, u"+4930901820"_s);
    QCOMPARE(jonas->timeZones, u"Europe/Berlin"_s);
    QCOMPARE(jonas->timeZoneSource, u"phone_prefix"_s);
    // The BOM is not part of the first header.
    QCOMPARE(jonas->extra.value(u"Kundennummer").toString(), u"10001"_s);

    const StoredCall *marie = callOnLine(calls, 3);
    QVERIFY(marie);
    QCOMPARE(marie->e164, u"+33199004567"_s);

    const StoredCall *tom = callOnLine(calls, 6);
    QVERIFY(tom);
    QCOMPARE(tom->e164, u"+31201234567"_s);

    const StoredCall *sara = callOnLine(calls, 7);
    QVERIFY(sara);
    QCOMPARE(sara->e164, u"+442079460958"_s);
    QCOMPARE(sara->timeZones, u"Europe/London"_s);
    QCOMPARE(sara->timeZoneSource, u"column"_s);

    const StoredCall *paul = callOnLine(calls, 8);
    QVERIFY(paul);
    QCOMPARE(paul->timeZones, u"America/New_York"_s);
    QCOMPARE(paul->timeZoneSource, u"column"_s);
}

void TestImporter::zoneFromDefaultWhenNoPrefix()
{
    // +800 is the international freephone code: valid, but in no zone of the table.
    const QString path = writeFile(u"freephone.csv"_s, "name,phone\nFree,+800 1234 5678\n");
    ImportOptions options = optionsFor(path);
    options.config.defaultTimeZone = "Europe/Vienna";

    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, options, {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(summary->imported, 1);

    const QList<StoredCall> calls = storedCalls(db, summary->batchId);
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls[0].e164, u"+80012345678"_s);
    QCOMPARE(calls[0].timeZones, u"Europe/Vienna"_s);
    QCOMPARE(calls[0].timeZoneSource, u"batch_default"_s);
}

void TestImporter::invalidZoneColumnWarns()
{
    const QString path = writeFile(u"zones.csv"_s,
                                   "Name,Phone,Time Zone\n"
                                   "Ann,+1 212 555 0142,Mars/Olympus\n"
                                   "Bob,+1 212 555 0143,europe/paris\n");
    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(summary->imported, 2);
    QCOMPARE(summary->warnings.size(), 1);
    QCOMPARE(summary->warnings[0].line, 2);
    QCOMPARE(summary->warnings[0].code, u"invalid_time_zone"_s);
    QVERIFY(summary->warnings[0].message.contains(u"Mars/Olympus"));

    const QList<StoredCall> calls = storedCalls(db, summary->batchId);
    QCOMPARE(calls[0].timeZones, u"America/New_York"_s);
    QCOMPARE(calls[0].timeZoneSource, u"phone_prefix"_s);
    QCOMPARE(calls[1].timeZones, u"Europe/Paris"_s);
    QCOMPARE(calls[1].timeZoneSource, u"column"_s);
}

void TestImporter::extensionKeptInExtra()
{
    const QString path = writeFile(u"extension.csv"_s,
                                   "name,phone,department\n"
                                   "\" Igor Ferreira \",+1 (415) 555-0199 ext 12,Sales\n");
    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));

    const QList<StoredCall> calls = storedCalls(db, summary->batchId);
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls[0].name, u"Igor Ferreira"_s);
    QCOMPARE(calls[0].phoneRaw, u"+1 (415) 555-0199 ext 12"_s);
    QCOMPARE(calls[0].e164, u"+14155550199"_s);
    QCOMPARE(calls[0].extra.value(u"extension").toString(), u"12"_s);
    QCOMPARE(calls[0].extra.value(u"department").toString(), u"Sales"_s);
}

// Run() writes the extra columns as JSON text without a QJsonObject, while
// preview() builds the object. The stored text equals the object's compact
// JSON for keys out of order, a repeated header, escaped and non-ASCII text,
// a column past the headers, an extension, a second number and no extras.
void TestImporter::storedExtraMatchesPreview()
{
    const QString path =
        writeFile(u"extras.csv"_s, u"name,phone,mobile,tier,Département,code,tier\n"
                                   "Ann,+1 212 555 0142,+1 212 555 0143,gold,Ventes,A1,silver\n"
                                   "Bob,+1 212 555 0150 ext 7,,bronze,Sales,,\n"
                                   "Cy,+1 212 555 0151,,,,B2,,past the headers\n"
                                   "Di,+1 212 555 0152,,\"say \"\"hi\"\"\",,back\\slash,\n"
                                   "Eve,+1 212 555 0153,,,,,\n"_s.toUtf8());
    QSqlDatabase db = m_connection->database();
    Result<ImportPreview> preview = Importer::preview(optionsFor(path), 100);
    QVERIFY2(preview, qPrintable(preview.ok() ? QString() : preview.error().message));
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(summary->imported, 5);
    QCOMPARE(preview->rows.size(), 5);

    QSqlQuery query(db);
    query.prepare(u"SELECT line, extra FROM calls WHERE batch_id = ? ORDER BY line"_s);
    query.addBindValue(summary->batchId);
    QVERIFY(query.exec());
    for (const CallRecord &row : std::as_const(preview->rows)) {
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), row.line);
        QCOMPARE(query.value(1).toByteArray(),
                 QJsonDocument(row.extra).toJson(QJsonDocument::Compact));
    }
    QVERIFY(!query.next());
}

void TestImporter::pageCacheSizeRestored_data()
{
    QTest::addColumn<bool>("cancel");

    QTest::newRow("imported") << false;
    QTest::newRow("cancelled and rolled back") << true;
}

// Run enlarges SQLite's page cache for the import only. The connection keeps
// its own setting afterwards, whether the import was stored or rolled back.
void TestImporter::pageCacheSizeRestored()
{
    QFETCH(bool, cancel);

    QSqlDatabase db = m_connection->database();
    QSqlQuery query(db);
    QVERIFY(query.exec(u"PRAGMA cache_size = -4321"_s));
    const QString path = writeFile(u"cache.csv"_s, "name,phone\nAnn,+1 415 555 0199\n");
    const Result<ImportSummary> summary = Importer::run(db, optionsFor(path),
                                                        [cancel](qint64) { return !cancel; });
    QCOMPARE(summary.ok(), !cancel);

    QVERIFY(query.exec(u"PRAGMA cache_size"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toLongLong(), -4321);
}

void TestImporter::doNotCallNumbersRejected()
{
    QSqlDatabase db = m_connection->database();
    QVERIFY(DoNotCallRepository(db).add(u"+12125550142"_s, u"asked not to be called"_s));
    QVERIFY(DoNotCallRepository(db).add(u"+12125550188"_s, u"asked not to be called"_s));

    const QString path = writeFile(u"dnc.csv"_s,
                                   "Name,Phone,Mobile\n"
                                   "Ann,(212) 555-0142,\n"
                                   "Bob,(212) 555-0143,\n");
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(summary->imported, 1);
    QCOMPARE(rejectionList(summary->rejected), u"2:do_not_call"_s);
    QCOMPARE(summary->rejectedByReason.value(u"do_not_call"_s), 1);

    // A Google contact whose first number is listed is dialed on its second,
    // and a listed number is never kept as an alternate.
    const QString google = writeFile(u"google.csv"_s,
                                     "First Name,Last Name,Phone 1 - Value,Phone 2 - Value\n"
                                     "Cy,Doe,(212) 555-0142,(212) 555-0144 ::: (212) 555-0188\n");
    Result<ImportSummary> second = Importer::run(db, optionsFor(google), {});
    QVERIFY2(second, qPrintable(second.ok() ? QString() : second.error().message));
    QCOMPARE(second->imported, 1);
    const QList<StoredCall> calls = storedCalls(db, second->batchId);
    QCOMPARE(calls[0].e164, u"+12125550144"_s);
    QVERIFY(!calls[0].extra.contains(u"alternatePhones"));
}

void TestImporter::mappingOverridesDetection()
{
    const QString path = writeFile(u"mapped.csv"_s,
                                   "Kontakt;Mobile;Büro;Staat\n"
                                   "Ann Lee;0151 23456789;030 901820;DE\n");
    ImportOptions options = optionsFor(path);
    options.mapping = {{u"phone"_s, u"Büro"_s}, {u"name"_s, u"Kontakt"_s},
                       {u"country"_s, u"staat"_s}};

    Result<ImportPreview> preview = Importer::preview(options, 10);
    QVERIFY2(preview, qPrintable(preview.ok() ? QString() : preview.error().message));
    QCOMPARE(preview->mapping.value(u"phone"_s), u"Büro"_s);
    QCOMPARE(preview->mapping.value(u"country"_s), u"Staat"_s);
    QCOMPARE(preview->rows.size(), 1);
    QCOMPARE(preview->rows[0].name, u"Ann Lee"_s);
    QCOMPARE(preview->rows[0].e164, u"+4930901820"_s);
    QCOMPARE(preview->rows[0].extra.value(u"Mobile").toString(), u"0151 23456789"_s);

    options.mapping.clear();
    Result<ImportPreview> detected = Importer::preview(options, 10);
    QVERIFY2(detected, qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(detected->mapping.value(u"phone"_s), u"Mobile"_s);
    // Without the country column the default region US cannot read 0151 ...
    QCOMPARE(detected->rows.size(), 0);
    QCOMPARE(detected->rejected.size(), 1);
}

void TestImporter::mappingToMissingColumnFails()
{
    const QString path = writeFile(u"missing.csv"_s, "Name,Phone\nAnn,212 555 0142\n");
    ImportOptions options = optionsFor(path);
    options.mapping = {{u"phone"_s, u"Handynummer"_s}};

    Result<ImportPreview> preview = Importer::preview(options, 10);
    QVERIFY(!preview);
    QCOMPARE(preview.error().code, u"column_not_found"_s);
    QVERIFY2(preview.error().message.contains(u"Handynummer"), qPrintable(preview.error().message));
    QVERIFY2(preview.error().message.contains(u"Name, Phone"), qPrintable(preview.error().message));

    options.mapping = {{u"fax"_s, u"Phone"_s}};
    Result<ImportPreview> unknownField = Importer::preview(options, 10);
    QVERIFY(!unknownField);
    QCOMPARE(unknownField.error().code, u"unknown_field"_s);
}

void TestImporter::missingPhoneColumnListsHeaders()
{
    const QString path = writeFile(u"nophone.csv"_s, "Name;E-Mail;Ort\nAnn;ann@example.com;Bonn\n");
    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY(!summary);
    QCOMPARE(summary.error().code, u"no_phone_column"_s);
    QVERIFY2(summary.error().message.contains(u"Name, E-Mail, Ort"),
             qPrintable(summary.error().message));
    QCOMPARE(countRows(db, u"batches"_s), 0);
}

void TestImporter::batchIdCollisionLeavesNoRows()
{
    const QString path = qEnvironmentVariable("DIALDECK_TEST_DATA") + u"/excel-semicolon-bom.csv"_s;
    QSqlDatabase db = m_connection->database();
    ImportOptions options = optionsFor(path);
    options.batchId = u"0123456789abcdef01234567"_s;
    Result<ImportSummary> first = Importer::run(db, options, {});
    QVERIFY2(first, qPrintable(first.ok() ? QString() : first.error().message));
    QCOMPARE(first->batchId, options.batchId);
    const qint64 callsBefore = countRows(db, u"calls"_s);

    Result<ImportSummary> second = Importer::run(db, options, {});
    QVERIFY(!second);
    QCOMPARE(second.error().code, u"batch_exists"_s);
    QVERIFY(second.error().message.contains(options.batchId));
    QCOMPARE(countRows(db, u"batches"_s), 1);
    QCOMPARE(countRows(db, u"calls"_s), callsBefore);
}

void TestImporter::cancelLeavesNoRows()
{
    QByteArray bytes = "name,phone\n";
    for (int i = 0; i < 10000; ++i)
        bytes += "Caller " + QByteArray::number(i) + ",+1 212 555 " + QByteArray::number(i).rightJustified(4, '0') + "\n";
    const QString path = writeFile(u"large.csv"_s, bytes);

    QSqlDatabase db = m_connection->database();
    QList<qint64> reported;
    const auto cancelHalfWay = [&reported](qint64 rowsDone) {
        reported.append(rowsDone);
        return rowsDone < 5000;
    };
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), cancelHalfWay);
    QVERIFY(!summary);
    QCOMPARE(summary.error().code, u"cancelled"_s);
    QVERIFY2(reported.size() >= 2, "progress was reported once only");
    QVERIFY(reported.last() >= 5000);
    QVERIFY(reported.last() < 10000);
    QCOMPARE(countRows(db, u"batches"_s), 0);
    QCOMPARE(countRows(db, u"calls"_s), 0);

    // The same file imports completely when not cancelled.
    qint64 lastReported = 0;
    Result<ImportSummary> full = Importer::run(db, optionsFor(path), [&lastReported](qint64 rowsDone) {
        lastReported = rowsDone;
        return true;
    });
    QVERIFY2(full, qPrintable(full.ok() ? QString() : full.error().message));
    QCOMPARE(lastReported, 10000);
    QCOMPARE(full->imported, 10000);
    QCOMPARE(countRows(db, u"calls"_s), 10000);
}

void TestImporter::vicidialFileImports()
{
    QByteArray bytes;
    const QList<QByteArray> leads[] = {
        {"V1", "web", "101", "1", "2125550142", "Ms", "Ann", "B", "Lee", "", "", "", "New York",
         "NY", "", "10001", "US", "F", "", "", "ann@example.com", "", "callback"},
        {"V2", "web", "101", "44", "2079460321", "Mr", "Bob", "", "Ray", "", "", "", "London", "",
         "", "EC1A 1BB", "GB", "M", "", "", "", "", ""},
        {"V3", "web", "101", "1", "555", "Mr", "Cy", "", "Ng", "", "", "", "", "", "", "", "US",
         "", "", "", "", "", ""},
    };
    for (const QList<QByteArray> &lead : leads)
        bytes += lead.join('|') + "\n";
    const QString path = writeFile(u"leads.txt"_s, bytes);

    QSqlDatabase db = m_connection->database();
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY2(summary, qPrintable(summary.ok() ? QString() : summary.error().message));
    QCOMPARE(toString(summary->format), toString(ContactFormat::Vicidial));
    QCOMPARE(summary->imported, 2);
    QCOMPARE(rejectionList(summary->rejected), u"3:too_short"_s);

    const QList<StoredCall> calls = storedCalls(db, summary->batchId);
    QCOMPARE(calls[0].line, 1);
    QCOMPARE(calls[0].name, u"Ann Lee"_s);
    QCOMPARE(calls[0].e164, u"+12125550142"_s);
    QCOMPARE(calls[0].extra.value(u"vendor_lead_code").toString(), u"V1"_s);
    QCOMPARE(calls[0].extra.value(u"comments").toString(), u"callback"_s);
    QCOMPARE(calls[1].line, 2);
    QCOMPARE(calls[1].e164, u"+442079460321"_s);
}

void TestImporter::previewWritesNothing()
{
    const QString path = qEnvironmentVariable("DIALDECK_TEST_DATA") + u"/google-contacts.csv"_s;
    QSqlDatabase db = m_connection->database();
    QVERIFY(DoNotCallRepository(db).add(u"+14155550199"_s, QString()));

    Result<ImportPreview> preview = Importer::preview(db, optionsFor(path), 3);
    QVERIFY2(preview, qPrintable(preview.ok() ? QString() : preview.error().message));
    QCOMPARE(toString(preview->format), toString(ContactFormat::GoogleContacts));
    QCOMPARE(preview->formatName, displayName(ContactFormat::GoogleContacts));
    QCOMPARE(preview->headers.size(), 29);
    QCOMPARE(preview->mapping.value(u"phone"_s), u"Phone 1 - Value, Phone 2 - Value"_s);
    QCOMPARE(preview->mapping.value(u"firstName"_s), u"First Name"_s);
    QCOMPARE(preview->totalRows, 25);
    QCOMPARE(preview->acceptedRows, 18);
    QCOMPARE(preview->rows.size(), 3);
    QCOMPARE(preview->rows[0].e164, u"+12125550142"_s);
    QCOMPARE(preview->rows[0].timeZones, QList<QByteArray>{"America/New_York"});
    QCOMPARE(rejectionList(preview->rejected),
             u"5:do_not_call 11:do_not_call 12:scientific_notation 13:too_short 14:invalid "
             "15:empty 19:duplicate"_s);
    QCOMPARE(countRows(db, u"batches"_s), 0);
    QCOMPARE(countRows(db, u"calls"_s), 0);
}

void TestImporter::validateRecordsChecksDuplicatesAndDnc()
{
    const QList<QJsonObject> records = {
        {{u"phone"_s, u"+1 212 555 0142"_s}, {u"name"_s, u"Ann"_s}, {u"crmId"_s, 7}},
        {{u"phoneNumber"_s, u"(212) 555-0143"_s}, {u"timeZone"_s, u"America/Chicago"_s}},
        {{u"phone"_s, u"212.555.0142"_s}},
        {{u"phone"_s, u"+1 212 555 0199"_s}},
        {{u"phone"_s, u"+1 212 555 0177"_s}},
        {{u"name"_s, u"No number"_s}},
        {{u"phone"_s, u"020 7946 0958"_s}, {u"country"_s, u"United Kingdom"_s}},
    };
    const QSet<QString> doNotCall = {u"+12125550199"_s};
    const QHash<QString, int> existing = {{u"+12125550177"_s, 41}};

    Result<RecordValidation> result = Importer::validateRecords(records, BatchConfig(), doNotCall,
                                                                existing);
    QVERIFY2(result, qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result->accepted.size(), 3);
    QCOMPARE(result->accepted[0].line, 0);
    QCOMPARE(result->accepted[0].e164, u"+12125550142"_s);
    QCOMPARE(result->accepted[0].extra.value(u"crmId").toInt(), 7);
    QCOMPARE(result->accepted[1].line, 1);
    QCOMPARE(toString(result->accepted[1].timeZoneSource), toString(TimeZoneSource::Column));
    QCOMPARE(result->accepted[1].timeZones, QList<QByteArray>{"America/Chicago"});
    QCOMPARE(result->accepted[2].line, 6);
    QCOMPARE(result->accepted[2].e164, u"+442079460958"_s);
    QCOMPARE(rejectionList(result->rejected), u"2:duplicate 3:do_not_call 4:duplicate 5:empty"_s);
    QVERIFY2(result->rejected[0].reason.contains(u"line 0"), qPrintable(result->rejected[0].reason));
    QVERIFY2(result->rejected[2].reason.contains(u"line 41"), qPrintable(result->rejected[2].reason));

    // The store-backed variant reads the numbers already in the batch.
    QSqlDatabase db = m_connection->database();
    const QString path = writeFile(u"one.csv"_s, "phone\n+1 212 555 0142\n");
    Result<ImportSummary> summary = Importer::run(db, optionsFor(path), {});
    QVERIFY(summary);
    Result<RecordValidation> stored = Importer::validateRecords(db, summary->batchId,
                                                                {records[0], records[1]},
                                                                BatchConfig());
    QVERIFY(stored);
    QCOMPARE(rejectionList(stored->rejected), u"0:duplicate"_s);
    QCOMPARE(stored->accepted.size(), 1);
}

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
