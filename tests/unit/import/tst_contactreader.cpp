#include "import/contactreader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

struct ReadFile
{
    ContactFormat format = ContactFormat::Delimited;
    QChar delimiter;
    TextDecoder::Encoding encoding = TextDecoder::Encoding::Utf8;
    QStringList headers;
    QList<SourceRow> rows;
};

// Writes `bytes` to a file and reads it back in chunks of `chunkRows` rows.
ReadFile readBytes(const QByteArray &bytes, std::optional<ContactFormat> format = std::nullopt,
                   qsizetype chunkRows = 2)
{
    QTemporaryDir folder;
    const QString path = folder.filePath(u"contacts.csv"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("Could not write the test file");
    file.close();

    ContactReader reader;
    const Result<void> opened = reader.open(path, format);
    if (!opened)
        qFatal("Could not open the test file: %s", qPrintable(opened.error().message));

    ReadFile result;
    bool more = true;
    while (more) {
        Result<bool> read = reader.read(result.rows, chunkRows);
        if (!read)
            qFatal("Could not read the test file: %s", qPrintable(read.error().message));
        more = *read;
    }
    result.format = reader.format();
    result.delimiter = reader.delimiter();
    result.encoding = reader.encoding();
    result.headers = reader.headers();
    return result;
}

QByteArray utf16(const QString &text, QSysInfo::Endian endian)
{
    QByteArray bytes;
    bytes.append(endian == QSysInfo::LittleEndian ? "\xFF\xFE" : "\xFE\xFF");
    for (QChar c : text) {
        const char high = char(c.unicode() >> 8);
        const char low = char(c.unicode() & 0xFF);
        if (endian == QSysInfo::LittleEndian)
            bytes.append(low).append(high);
        else
            bytes.append(high).append(low);
    }
    return bytes;
}

} // namespace

class TestContactReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sniffDelimiter_data();
    void sniffDelimiter();
    void decodesEncodings_data();
    void decodesEncodings();
    void quotedFieldsAndLineNumbers();
    void lineEndings_data();
    void lineEndings();
    void chunkBoundariesDoNotMatter();
    void vicidialFiles_data();
    void vicidialFiles();
    void forcedFormatOverridesDetection();
    void googleContactsDetected();
    void emptyFileIsRejected();
};

void TestContactReader::sniffDelimiter_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QChar>("delimiter");

    QTest::newRow("comma") << u"name,phone\nAnn,212 555 0142\n"_s << QChar(u',');
    QTest::newRow("semicolon with decimal commas")
        << u"Name;Telefon;Betrag\nAnn;030 901820;4,50\nBob;030 901821;3,20\n"_s << QChar(u';');
    QTest::newRow("tab") << u"name\tphone\tnote\nAnn\t212\ta, b\n"_s << QChar(u'\t');
    QTest::newRow("pipe") << u"name|phone\nAnn|212 555 0142\nBob|212 555 0143\n"_s << QChar(u'|');
    QTest::newRow("commas only inside quotes")
        << u"name;phone\n\"Smith, Ann\";212\n\"Doe, Bob\";213\n"_s << QChar(u';');
    QTest::newRow("quoted newline keeps records intact")
        << u"a;b;c\n\"x\ny;z\";1;2\n3;4;5\n"_s << QChar(u';');
    QTest::newRow("single column falls back to comma") << u"phone\n2125550142\n"_s << QChar(u',');
}

void TestContactReader::sniffDelimiter()
{
    QFETCH(QString, sample);
    QFETCH(QChar, delimiter);

    QCOMPARE(DelimitedParser::sniffDelimiter(sample), delimiter);
}

void TestContactReader::decodesEncodings_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("encoding");

    const QString text = u"name,phone\nMüller € Ærø,+49 30 901820\n"_s;
    QTest::newRow("UTF-8 without BOM") << text.toUtf8() << int(TextDecoder::Encoding::Utf8);
    QTest::newRow("UTF-8 with BOM") << QByteArray("\xEF\xBB\xBF" + text.toUtf8())
                                    << int(TextDecoder::Encoding::Utf8);
    QTest::newRow("UTF-16LE with BOM") << utf16(text, QSysInfo::LittleEndian)
                                       << int(TextDecoder::Encoding::Utf16LE);
    QTest::newRow("UTF-16BE with BOM") << utf16(text, QSysInfo::BigEndian)
                                       << int(TextDecoder::Encoding::Utf16BE);
    // ü = 0xFC, € = 0x80, Æ = 0xC6, ø = 0xF8 in Windows-1252; 0xFC alone is invalid UTF-8.
    QTest::newRow("Windows-1252")
        << QByteArray("name,phone\nM\xFCller \x80 \xC6r\xF8,+49 30 901820\n")
        << int(TextDecoder::Encoding::Windows1252);
}

void TestContactReader::decodesEncodings()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, encoding);

    const ReadFile file = readBytes(bytes);
    QCOMPARE(int(file.encoding), encoding);
    QCOMPARE(file.headers, (QStringList{u"name"_s, u"phone"_s}));
    QCOMPARE(file.rows.size(), 1);
    QCOMPARE(file.rows[0].fields, (QStringList{u"Müller € Ærø"_s, u"+49 30 901820"_s}));
    QCOMPARE(file.rows[0].line, 2);
}

void TestContactReader::quotedFieldsAndLineNumbers()
{
    const QByteArray bytes = "name,phone,note\n"
                             "\"Smith, Ann\",212 555 0142,\"She said \"\"call me\"\"\"\n"
                             "Bob,212 555 0143,\"two\nlines\"\n"
                             "\n"
                             "Cy,212 555 0144,\"\"\n"
                             "Di,212 555 0145,\"three\r\nline\r\nnote\"\n"
                             "Ed,212 555 0146,last";
    const ReadFile file = readBytes(bytes);

    QCOMPARE(file.rows.size(), 5);
    QCOMPARE(file.rows[0].line, 2);
    QCOMPARE(file.rows[0].fields,
             (QStringList{u"Smith, Ann"_s, u"212 555 0142"_s, u"She said \"call me\""_s}));
    QCOMPARE(file.rows[1].line, 3);
    QCOMPARE(file.rows[1].fields[2], u"two\nlines"_s);
    QCOMPARE(file.rows[2].line, 6);
    QCOMPARE(file.rows[2].fields, (QStringList{u"Cy"_s, u"212 555 0144"_s, QString()}));
    QCOMPARE(file.rows[3].line, 7);
    QCOMPARE(file.rows[3].fields[2], u"three\r\nline\r\nnote"_s);
    QCOMPARE(file.rows[4].line, 10);
    QCOMPARE(file.rows[4].fields, (QStringList{u"Ed"_s, u"212 555 0146"_s, u"last"_s}));
}

void TestContactReader::lineEndings_data()
{
    QTest::addColumn<QByteArray>("bytes");

    QTest::newRow("LF") << QByteArray("name;phone\nAnn;1\nBob;2\n");
    QTest::newRow("CRLF") << QByteArray("name;phone\r\nAnn;1\r\nBob;2\r\n");
    QTest::newRow("CR") << QByteArray("name;phone\rAnn;1\rBob;2\r");
    QTest::newRow("no final line break") << QByteArray("name;phone\r\nAnn;1\r\nBob;2");
}

void TestContactReader::lineEndings()
{
    QFETCH(QByteArray, bytes);

    const ReadFile file = readBytes(bytes);
    QCOMPARE(file.headers, (QStringList{u"name"_s, u"phone"_s}));
    QCOMPARE(file.rows.size(), 2);
    QCOMPARE(file.rows[0].line, 2);
    QCOMPARE(file.rows[0].fields, (QStringList{u"Ann"_s, u"1"_s}));
    QCOMPARE(file.rows[1].line, 3);
    QCOMPARE(file.rows[1].fields, (QStringList{u"Bob"_s, u"2"_s}));
}

void TestContactReader::chunkBoundariesDoNotMatter()
{
    const QString text = u"a,b\r\n\"x,\r\n\"\"y\"\"\",2\r\n3,4\r\n"_s;
    QList<SourceRow> whole;
    DelimitedParser wholeParser(u',');
    wholeParser.feed(text, whole);
    wholeParser.finish(whole);

    QList<SourceRow> pieces;
    DelimitedParser pieceParser(u',');
    for (QChar c : text)
        pieceParser.feed(QStringView(&c, 1), pieces);
    pieceParser.finish(pieces);

    QCOMPARE(whole.size(), 3);
    QCOMPARE(pieces.size(), whole.size());
    for (qsizetype i = 0; i < whole.size(); ++i) {
        QCOMPARE(pieces[i].line, whole[i].line);
        QCOMPARE(pieces[i].fields, whole[i].fields);
    }
    QCOMPARE(whole[1].fields[0], u"x,\r\n\"y\""_s);
    QCOMPARE(whole[2].line, 4);
}

void TestContactReader::vicidialFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");

    const QList<QByteArray> lead1 = {"V1001", "src", "101", "1", "2125550142", "Ms", "Ann", "B",
                                     "Lee", "1 Main St", "", "", "New York", "NY", "", "10001",
                                     "US", "F", "1980-01-02", "2125550143", "ann@example.com", "",
                                     "call after 10"};
    QList<QByteArray> lead2 = lead1;
    lead2[0] = "V1002";
    lead2[3] = "44";
    lead2[4] = "2079460321";
    lead2[16] = "GB";
    QTest::newRow("tab") << QByteArray(lead1.join('\t') + "\r\n" + lead2.join('\t') + "\r\n");
    QTest::newRow("pipe") << QByteArray(lead1.join('|') + "\n" + lead2.join('|') + "\n");
}

void TestContactReader::vicidialFiles()
{
    QFETCH(QByteArray, bytes);

    const ReadFile file = readBytes(bytes);
    QCOMPARE(toString(file.format), toString(ContactFormat::Vicidial));
    QCOMPARE(file.headers, ContactReader::vicidialColumns());
    QCOMPARE(file.headers.size(), 23);
    QCOMPARE(file.rows.size(), 2);
    QCOMPARE(file.rows[0].line, 1);
    QCOMPARE(file.rows[0].fields.size(), 23);
    QCOMPARE(file.rows[0].fields[4], u"2125550142"_s);
    QCOMPARE(file.rows[1].line, 2);
    QCOMPARE(file.rows[1].fields[3], u"44"_s);
}

void TestContactReader::forcedFormatOverridesDetection()
{
    // A header row of VICIdial column names is not a lead, so detection returns
    // delimited. Forcing VICIdial reads it as a lead line all the same.
    QByteArray bytes = ContactReader::vicidialColumns().join(u'\t').toUtf8() + "\n";
    QCOMPARE(toString(readBytes(bytes).format), toString(ContactFormat::Delimited));

    const ReadFile forced = readBytes(bytes, ContactFormat::Vicidial);
    QCOMPARE(toString(forced.format), toString(ContactFormat::Vicidial));
    QCOMPARE(forced.rows.size(), 1);
    QCOMPARE(forced.rows[0].line, 1);
}

void TestContactReader::googleContactsDetected()
{
    const QString path = qEnvironmentVariable("DIALDECK_TEST_DATA") + u"/google-contacts.csv"_s;
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const ReadFile read = readBytes(file.readAll());

    QCOMPARE(toString(read.format), toString(ContactFormat::GoogleContacts));
    QCOMPARE(read.delimiter, QChar(u','));
    QVERIFY(read.headers.contains(u"Phone 2 - Value"_s));
    QCOMPARE(read.rows.size(), 25);
    // Dmitri's note spans two lines, so Émilie starts on line 7.
    QCOMPARE(read.rows[3].line, 5);
    QCOMPARE(read.rows[4].line, 7);
    QCOMPARE(read.rows[4].fields[0], u"Émilie"_s);
}

void TestContactReader::emptyFileIsRejected()
{
    QTemporaryDir folder;
    const QString path = folder.filePath(u"empty.csv"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    ContactReader reader;
    const Result<void> opened = reader.open(path, std::nullopt);
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, u"empty_file"_s);
    QVERIFY(opened.error().message.contains(path));
}

QTEST_GUILESS_MAIN(TestContactReader)
#include "tst_contactreader.moc"
