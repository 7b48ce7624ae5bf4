#include "import/timezonetable.h"

#include <QBuffer>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestTimeZoneTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compiledTableLookup_data();
    void compiledTableLookup();
    void longestPrefixWins();
    void unknownZonesAreDropped();
    void malformedLineIsRejected();
    void canonicalZoneIdIgnoresCase();
};

void TestTimeZoneTable::compiledTableLookup_data()
{
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QByteArrayList>("zones");

    QTest::newRow("New York 212") << u"+12125550142"_s << QByteArrayList{"America/New_York"};
    QTest::newRow("Chicago 312") << u"+13125550166"_s << QByteArrayList{"America/Chicago"};
    QTest::newRow("Alaska 907, two zones")
        << u"+19075550111"_s << QByteArrayList{"America/Adak", "America/Anchorage"};
    QTest::newRow("Phoenix 602, two zones")
        << u"+16025550110"_s << QByteArrayList{"America/Denver", "America/Phoenix"};
    QTest::newRow("Berlin") << u"+4930901820"_s << QByteArrayList{"Europe/Berlin"};
    QTest::newRow("Paris") << u"+33199001234"_s << QByteArrayList{"Europe/Paris"};
    QTest::newRow("India, zone under its link name")
        << u"+919876543210"_s << QByteArrayList{"Asia/Calcutta"};
    QTest::newRow("no such prefix") << u"+999123"_s << QByteArrayList{};
}

void TestTimeZoneTable::compiledTableLookup()
{
    QFETCH(QString, e164);
    QFETCH(QByteArrayList, zones);

    const TimeZoneTable &table = TimeZoneTable::instance();
    QVERIFY2(table.size() > 1000, "the compiled-in resource was not loaded");
    QCOMPARE(table.zonesFor(e164), zones);
}

void TestTimeZoneTable::longestPrefixWins()
{
    QByteArray text = "# comment line\n"
                      "1|America/New_York&America/Chicago&America/Denver\n"
                      "1212|America/New_York\n"
                      "12125|America/Chicago\n"
                      "44|Europe/London\n";
    QBuffer buffer(&text);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    Result<TimeZoneTable> table = TimeZoneTable::parse(buffer, u"test table"_s);
    QVERIFY2(table, qPrintable(table.ok() ? QString() : table.error().message));

    QCOMPARE(table->zonesFor(u"+12125550142"), QByteArrayList{"America/Chicago"});
    QCOMPARE(table->zonesFor(u"+12124440142"), QByteArrayList{"America/New_York"});
    QCOMPARE(table->zonesFor(u"+13035550102"),
             (QByteArrayList{"America/New_York", "America/Chicago", "America/Denver"}));
    QCOMPARE(table->zonesFor(u"+442079460321"), QByteArrayList{"Europe/London"});
    QCOMPARE(table->zonesFor(u"+4930901820"), QByteArrayList{});
}

void TestTimeZoneTable::unknownZonesAreDropped()
{
    QByteArray text = "49|Europe/Berlin&Mars/Olympus_Mons\n33|Mars/Gale\n";
    QBuffer buffer(&text);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    Result<TimeZoneTable> table = TimeZoneTable::parse(buffer, u"test table"_s);
    QVERIFY(table);

    QCOMPARE(table->zonesFor(u"+4930901820"), QByteArrayList{"Europe/Berlin"});
    QCOMPARE(table->zonesFor(u"+33199001234"), QByteArrayList{});
    QCOMPARE(table->size(), 1);
}

void TestTimeZoneTable::malformedLineIsRejected()
{
    QByteArray text = "49|Europe/Berlin\nabc|Europe/Paris\n";
    QBuffer buffer(&text);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    Result<TimeZoneTable> table = TimeZoneTable::parse(buffer, u"test table"_s);
    QVERIFY(!table);
    QCOMPARE(table.error().code, u"invalid_time_zone_table"_s);
    QVERIFY2(table.error().message.contains(u"Line 2"), qPrintable(table.error().message));
}

void TestTimeZoneTable::canonicalZoneIdIgnoresCase()
{
    QCOMPARE(TimeZoneTable::canonicalZoneId(u"europe/london"), QByteArray("Europe/London"));
    QCOMPARE(TimeZoneTable::canonicalZoneId(u" America/New_York "), QByteArray("America/New_York"));
    QCOMPARE(TimeZoneTable::canonicalZoneId(u"Asia/Calcutta"), QByteArray("Asia/Calcutta"));
    QCOMPARE(TimeZoneTable::canonicalZoneId(u"Europe/Atlantis"), QByteArray());
}

QTEST_GUILESS_MAIN(TestTimeZoneTable)
#include "tst_timezonetable.moc"
