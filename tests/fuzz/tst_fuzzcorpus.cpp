// Feeds every seed input and every saved crash input under tests/fuzz to its
// fuzz target, built with the normal compiler. A target aborts on a failed
// property, so a regression shows as a crashed test that names the input.

#include "fuzztargets.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestFuzzCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTargetHasSeeds();
    void savedInputsPass_data();
    void savedInputsPass();
};

void TestFuzzCorpus::everyTargetHasSeeds()
{
    for (const Fuzz::Target &target : Fuzz::targets()) {
        const QDir corpus(QStringLiteral(DIALDECK_FUZZ_DIR) + u"/corpus/"_s
                          + QString::fromLatin1(target.name));
        QVERIFY2(!corpus.entryList(QDir::Files).isEmpty(), target.name);
    }
}

void TestFuzzCorpus::savedInputsPass_data()
{
    QTest::addColumn<QString>("targetName");
    QTest::addColumn<QString>("path");

    for (const QString &folder : {u"corpus"_s, u"regressions"_s}) {
        for (const Fuzz::Target &target : Fuzz::targets()) {
            const QString name = QString::fromLatin1(target.name);
            const QDir dir(QStringLiteral(DIALDECK_FUZZ_DIR) + u'/' + folder + u'/' + name);
            for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
                const QString tag = folder + u'/' + name + u'/' + file;
                QTest::newRow(qPrintable(tag)) << name << dir.filePath(file);
            }
        }
    }
}

void TestFuzzCorpus::savedInputsPass()
{
    QFETCH(QString, targetName);
    QFETCH(QString, path);

    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray input = file.readAll();

    const Fuzz::Target *target = Fuzz::findTarget(targetName.toLatin1());
    QVERIFY(target);
    target->run(input);
}

QTEST_GUILESS_MAIN(TestFuzzCorpus)
#include "tst_fuzzcorpus.moc"
