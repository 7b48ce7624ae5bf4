// Malformed, truncated, binary and very large contact files through
// ContactReader: each either reads with its damage visible in the rows or
// fails with a message that names the file.

#include "import/contactreader.h"
#include "import/textdecoder.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestContactReaderBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void hugeQuotedFieldIsKeptWhole();
    void unterminatedQuoteRunsToEndOfFile();
    void truncatedUtf8FallsBackToWindows1252();
    void binaryFileReadsWithoutCrash();
    void headerOnlyFileHasNoRows();
    void missingFileNamesPath();
    void utf8ValidatorRejectsSurrogatesAndOverlongForms_data();
    void utf8ValidatorRejectsSurrogatesAndOverlongForms();

private:
    QString write(const QByteArray &bytes);
    QList<SourceRow> readAll(ContactReader &reader);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestContactReaderBadInput::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestContactReaderBadInput::write(const QByteArray &bytes)
{
    const QString path = m_dir->filePath(u"contacts.csv"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("Could not write the test file");
    return path;
}

QList<SourceRow> TestContactReaderBadInput::readAll(ContactReader &reader)
{
    QList<SourceRow> rows;
    for (;;) {
        Result<bool> more = reader.read(rows, 100);
        if (!more)
            qFatal("%s", qPrintable(more.error().message));
        if (!*more)
            return rows;
    }
}

// An 8 MiB field spanning many read chunks comes back as one field.
void TestContactReaderBadInput::hugeQuotedFieldIsKeptWhole()
{
    const QByteArray note(8 * 1024 * 1024, 'n');
    ContactReader reader;
    QVERIFY(reader.open(write("name,phone,note\nAnn,2125550142,\"" + note + "\"\nBob,2125550143,x\n"),
                        std::nullopt));

    const QList<SourceRow> rows = readAll(reader);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).fields.value(2).size(), note.size());
    QCOMPARE(rows.at(1).line, 3);
    QCOMPARE(rows.at(1).fields.value(0), u"Bob"_s);
}

// The open quote swallows the rest of the file into one field, so the rows
// after it are visibly missing instead of silently shifted.
void TestContactReaderBadInput::unterminatedQuoteRunsToEndOfFile()
{
    ContactReader reader;
    QVERIFY(reader.open(write("name,phone\n\"Ann,2125550142\nBob,2125550143\n"), std::nullopt));

    const QList<SourceRow> rows = readAll(reader);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().line, 2);
    QVERIFY2(rows.first().fields.first().contains(u"Bob,2125550143"_s),
             qPrintable(rows.first().fields.join(u'|')));
}

// A file cut inside a UTF-8 sequence is not valid UTF-8, so it is read as
// Windows-1252 and every byte still becomes a character.
void TestContactReaderBadInput::truncatedUtf8FallsBackToWindows1252()
{
    ContactReader reader;
    QVERIFY(reader.open(write("name,phone\nM\xc3\xbcller,2125550142\nZo\xc3"), std::nullopt));
    QCOMPARE(reader.encoding(), TextDecoder::Encoding::Windows1252);

    const QList<SourceRow> rows = readAll(reader);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).fields.value(0), u"M\u00c3\u00bcller"_s);
    QCOMPARE(rows.at(1).fields.value(0), u"Zo\u00c3"_s);
}

// NUL and control bytes are data like any other; the phone check rejects the rows later.
void TestContactReaderBadInput::binaryFileReadsWithoutCrash()
{
    QByteArray bytes;
    for (int i = 0; i < 4096; ++i)
        bytes.append(char((i * 37 + 11) % 256));

    ContactReader reader;
    const Result<void> opened = reader.open(write(bytes), std::nullopt);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    const QList<SourceRow> rows = readAll(reader);
    for (const SourceRow &row : rows)
        QVERIFY(row.line >= 2);
}

void TestContactReaderBadInput::headerOnlyFileHasNoRows()
{
    ContactReader reader;
    QVERIFY(reader.open(write("name,phone\n"), std::nullopt));
    QCOMPARE(reader.headers(), (QStringList{u"name"_s, u"phone"_s}));
    QCOMPARE(readAll(reader).size(), 0);
}

void TestContactReaderBadInput::missingFileNamesPath()
{
    const QString path = m_dir->filePath(u"no-such-file.csv"_s);
    ContactReader reader;
    const Result<void> opened = reader.open(path, std::nullopt);
    QVERIFY(!opened);
    QVERIFY2(opened.error().message.contains(path), qPrintable(opened.error().message));
    QVERIFY2(opened.error().message.contains(u"check the path"_s),
             qPrintable(opened.error().message));
}

void TestContactReaderBadInput::utf8ValidatorRejectsSurrogatesAndOverlongForms_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");

    // Byte sequences from RFC 3629, section 4, on both sides of each limit.
    QTest::newRow("euro sign") << QByteArray("\xE2\x82\xAC") << true;
    QTest::newRow("last before surrogates") << QByteArray("\xED\x9F\xBF") << true;
    QTest::newRow("encoded surrogate") << QByteArray("\xED\xBB\x90") << false;
    QTest::newRow("overlong slash") << QByteArray("\xE0\x80\xAF") << false;
    QTest::newRow("smallest three-byte") << QByteArray("\xE0\xA0\x80") << true;
    QTest::newRow("overlong four-byte") << QByteArray("\xF0\x8F\xBF\xBF") << false;
    QTest::newRow("largest code point") << QByteArray("\xF4\x8F\xBF\xBF") << true;
    QTest::newRow("past U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << false;
}

void TestContactReaderBadInput::utf8ValidatorRejectsSurrogatesAndOverlongForms()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);

    Utf8Validator whole;
    whole.add(bytes);
    QCOMPARE(whole.isValid(), valid);

    // The same verdict when the sequence arrives one byte per chunk.
    Utf8Validator chunked;
    for (const char byte : bytes)
        chunked.add(QByteArrayView(&byte, 1));
    QCOMPARE(chunked.isValid(), valid);
}

QTEST_GUILESS_MAIN(TestContactReaderBadInput)
#include "tst_contactreaderbadinput.moc"
