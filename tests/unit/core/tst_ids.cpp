#include "core/ids.h"

#include <QSet>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestIds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatedIdsAreValidAndDistinct();
    void isValidRejectsOtherShapes_data();
    void isValidRejectsOtherShapes();
};

void TestIds::generatedIdsAreValidAndDistinct()
{
    QSet<QString> seen;
    for (int i = 0; i < 1000; ++i) {
        const QString id = Ids::generate();
        QVERIFY2(Ids::isValid(id), qPrintable(id));
        seen.insert(id);
    }
    QCOMPARE(seen.size(), 1000);
}

void TestIds::isValidRejectsOtherShapes_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");

    QTest::newRow("24 lowercase hex") << u"64f1a2b3c4d5e6f708192a3b"_s << true;
    QTest::newRow("uppercase") << u"64F1A2B3C4D5E6F708192A3B"_s << false;
    QTest::newRow("23 digits") << u"64f1a2b3c4d5e6f708192a3"_s << false;
    QTest::newRow("25 digits") << u"64f1a2b3c4d5e6f708192a3b0"_s << false;
    QTest::newRow("non-hex letter") << u"64f1a2b3c4d5e6f708192a3g"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestIds::isValidRejectsOtherShapes()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);

    QCOMPARE(Ids::isValid(id), valid);
}

QTEST_GUILESS_MAIN(TestIds)
#include "tst_ids.moc"
