#include "dialer/callernumberimport.h"
#include "store/connection.h"
#include "store/phonerepository.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

PlivoNumber number(const QString &e164, const QString &alias = {}, bool voice = true)
{
    PlivoNumber result;
    result.e164 = e164;
    result.alias = alias;
    result.voiceEnabled = voice;
    return result;
}

} // namespace

// Adds Plivo numbers to a real store and checks what is added and skipped.
class TestCallerNumberImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void addsVoiceNumbersWithLabels();
    void skipsPresentNonVoiceAndInvalid();
    void secondImportAddsNothing();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Connection> m_connection;
    std::unique_ptr<PhoneRepository> m_phones;
};

void TestCallerNumberImport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    Result<Connection> connection =
        Connection::openSqlite(m_dir->filePath(u"store.sqlite"_s), u"numberimport"_s);
    QVERIFY2(connection.ok(), connection.ok() ? "" : qPrintable(connection.error().message));
    m_connection = std::make_unique<Connection>(std::move(connection).value());
    m_phones = std::make_unique<PhoneRepository>(m_connection->database());
}

void TestCallerNumberImport::cleanup()
{
    m_phones.reset();
    m_connection.reset();
    m_dir.reset();
}

void TestCallerNumberImport::addsVoiceNumbersWithLabels()
{
    const Result<CallerNumberImport::Outcome> outcome = CallerNumberImport::addNumbers(
        *m_phones, {number(u"+14155550100"_s, u"Sales"_s), number(u"+14155550101"_s)});
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->added.size(), 2);

    const Result<QList<Phone>> stored = m_phones->list();
    QVERIFY(stored.ok());
    QCOMPARE(stored->size(), 2);

    const Result<std::optional<Phone>> sales = m_phones->findByE164(u"+14155550100"_s);
    QVERIFY(sales.ok() && sales->has_value());
    QCOMPARE(sales->value().label, u"Sales"_s);
    QVERIFY(sales->value().enabled);
    const Result<std::optional<Phone>> plain = m_phones->findByE164(u"+14155550101"_s);
    QVERIFY(plain.ok() && plain->has_value());
    QCOMPARE(plain->value().label, u"Plivo"_s);
}

void TestCallerNumberImport::skipsPresentNonVoiceAndInvalid()
{
    Phone existing;
    existing.id = u"0123456789abcdef01234567"_s;
    existing.e164 = u"+14155550100"_s;
    existing.label = u"Kept"_s;
    existing.createdAt = QDateTime::currentDateTimeUtc();
    QVERIFY(m_phones->insert(existing).ok());

    const Result<CallerNumberImport::Outcome> outcome = CallerNumberImport::addNumbers(
        *m_phones, {number(u"+14155550100"_s, u"New label"_s), number(u"+14155550102"_s, {}, false),
                    number(u"+12"_s), number(u"+14155550103"_s)});
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->added.size(), 1);
    QCOMPARE(outcome->added.first().e164, u"+14155550103"_s);
    QCOMPARE(outcome->alreadyPresent, QStringList{u"+14155550100"_s});
    QCOMPARE(outcome->notVoiceEnabled, QStringList{u"+14155550102"_s});
    QCOMPARE(outcome->invalid.size(), 1);
    QVERIFY(outcome->invalid.first().startsWith(u"+12 ("_s));

    // The present number keeps its own label.
    const Result<std::optional<Phone>> kept = m_phones->findByE164(u"+14155550100"_s);
    QVERIFY(kept.ok() && kept->has_value());
    QCOMPARE(kept->value().label, u"Kept"_s);
    QCOMPARE(m_phones->list()->size(), 2);
}

void TestCallerNumberImport::secondImportAddsNothing()
{
    const QList<PlivoNumber> numbers{number(u"+14155550100"_s), number(u"+14155550101"_s)};
    QVERIFY(CallerNumberImport::addNumbers(*m_phones, numbers).ok());

    const Result<CallerNumberImport::Outcome> again =
        CallerNumberImport::addNumbers(*m_phones, numbers);
    QVERIFY(again.ok());
    QVERIFY(again->added.isEmpty());
    QCOMPARE(again->alreadyPresent.size(), 2);
    QCOMPARE(m_phones->list()->size(), 2);
}

QTEST_MAIN(TestCallerNumberImport)
#include "tst_callernumberimport.moc"
