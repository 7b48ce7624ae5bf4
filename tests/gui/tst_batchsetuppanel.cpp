#include "batchsetuppanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimeEdit>

#include <functional>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

using PanelEdit = std::function<void(BatchSetupPanel &)>;
Q_DECLARE_METATYPE(PanelEdit)

class TestBatchSetupPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalidFieldShowsProblem_data();
    void invalidFieldShowsProblem();
    void editsRoundTripThroughConfig();
    void holidaysAddAndRemove();
    void saveEmitsEditedConfig();
};

void TestBatchSetupPanel::invalidFieldShowsProblem_data()
{
    QTest::addColumn<PanelEdit>("edit");
    QTest::addColumn<QString>("fieldKey");

    QTest::newRow("window start after end") << PanelEdit([](BatchSetupPanel &panel) {
        panel.findChild<QTimeEdit *>(u"windowStartEdit"_s)->setTime(QTime(21, 0));
        panel.findChild<QTimeEdit *>(u"windowEndEdit"_s)->setTime(QTime(8, 0));
    }) << u"window"_s;
    QTest::newRow("no allowed day") << PanelEdit([](BatchSetupPanel &panel) {
        for (QCheckBox *check : panel.findChildren<QCheckBox *>())
            check->setChecked(false);
    }) << u"days"_s;
    QTest::newRow("unknown time zone") << PanelEdit([](BatchSetupPanel &panel) {
        panel.findChild<QComboBox *>(u"timeZoneCombo"_s)->setCurrentText(u"Mars/Olympus_Mons"_s);
    }) << u"defaultTimeZone"_s;
    QTest::newRow("zero calls per second") << PanelEdit([](BatchSetupPanel &panel) {
        panel.findChild<QDoubleSpinBox *>(u"callsPerSecondSpin"_s)->setValue(0.0);
    }) << u"maxCallsPerSecond"_s;
    QTest::newRow("zero concurrent calls") << PanelEdit([](BatchSetupPanel &panel) {
        panel.findChild<QSpinBox *>(u"concurrentCallsSpin"_s)->setValue(0);
    }) << u"maxConcurrentCalls"_s;
    QTest::newRow("busy retry without attempts") << PanelEdit([](BatchSetupPanel &panel) {
        panel.findChild<QSpinBox *>(u"retryBusyAttemptsSpin"_s)->setValue(0);
    }) << u"retry.busy"_s;
    QTest::newRow("zero ring timeout") << PanelEdit([](BatchSetupPanel &panel) {
        panel.findChild<QSpinBox *>(u"ringTimeoutSpin"_s)->setValue(0);
    }) << u"ringTimeoutSeconds"_s;
}

void TestBatchSetupPanel::invalidFieldShowsProblem()
{
    QFETCH(PanelEdit, edit);
    QFETCH(QString, fieldKey);

    BatchSetupPanel panel;
    panel.setConfig(BatchConfig(), true);
    panel.show();
    QVERIFY(panel.problems().isEmpty());

    edit(panel);

    bool named = false;
    for (const ConfigProblem &problem : panel.problems())
        named = named || problem.field.startsWith(fieldKey);
    QVERIFY2(named, qPrintable(fieldKey));

    auto *label = panel.findChild<QLabel *>(fieldKey + u"Problem"_s);
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QVERIFY(!label->text().isEmpty());
    QCOMPARE(panel.problemText(fieldKey), label->text());
    QVERIFY(!panel.findChild<QPushButton *>(u"saveConfigButton"_s)->isEnabled());

    // Problems of other fields stay hidden.
    for (QLabel *other : panel.findChildren<QLabel *>()) {
        if (other != label && other->objectName().endsWith(u"Problem"_s))
            QVERIFY2(!other->isVisible(), qPrintable(other->objectName()));
    }
}

void TestBatchSetupPanel::editsRoundTripThroughConfig()
{
    BatchConfig config;
    config.windowStart = QTime(10, 30);
    config.windowEnd = QTime(18, 15);
    config.allowedDays = 0b1000001;
    config.holidays = {QDate(2025, 12, 25)};
    config.defaultRegion = u"GB"_s;
    config.defaultTimeZone = "Europe/London";
    config.maxCallsPerSecond = 2.5;
    config.maxConcurrentCalls = 7;
    config.rotation = RotationStrategy::LocalPresence;
    config.retryBusy = {4, 120};
    config.retryNoAnswer = {2, 900};
    config.retryFailed = {1, 0};
    config.retryMachine = {3, 3600};
    config.ringTimeoutSeconds = 25;

    BatchSetupPanel panel;
    panel.setConfig(config, true);
    QCOMPARE(panel.config(), config);
    QVERIFY(!panel.isModified());
    QVERIFY(panel.problems().isEmpty());

    panel.findChild<QSpinBox *>(u"retryNoAnswerDelaySpin"_s)->setValue(60);
    QVERIFY(panel.isModified());
    QCOMPARE(panel.config().retryNoAnswer, (RetryRule{2, 60}));
    QCOMPARE(toString(panel.config().rotation), toString(RotationStrategy::LocalPresence));
}

void TestBatchSetupPanel::holidaysAddAndRemove()
{
    BatchSetupPanel panel;
    panel.setConfig(BatchConfig(), true);
    panel.show();

    auto *date = panel.findChild<QDateEdit *>(u"holidayDateEdit"_s);
    auto *add = panel.findChild<QPushButton *>(u"addHolidayButton"_s);
    auto *list = panel.findChild<QListWidget *>(u"holidayList"_s);
    date->setDate(QDate(2026, 1, 1));
    QTest::mouseClick(add, Qt::LeftButton);
    date->setDate(QDate(2025, 12, 24));
    QTest::mouseClick(add, Qt::LeftButton);
    // Adding a date twice keeps one entry.
    QTest::mouseClick(add, Qt::LeftButton);

    QCOMPARE(list->count(), 2);
    QCOMPARE(panel.config().holidays, (QList<QDate>{QDate(2025, 12, 24), QDate(2026, 1, 1)}));

    list->item(0)->setSelected(true);
    QTest::mouseClick(panel.findChild<QPushButton *>(u"removeHolidayButton"_s), Qt::LeftButton);
    QCOMPARE(panel.config().holidays, (QList<QDate>{QDate(2026, 1, 1)}));
}

void TestBatchSetupPanel::saveEmitsEditedConfig()
{
    BatchSetupPanel panel;
    panel.setConfig(BatchConfig(), true);
    panel.show();
    QSignalSpy saved(&panel, &BatchSetupPanel::saveRequested);

    auto *save = panel.findChild<QPushButton *>(u"saveConfigButton"_s);
    QVERIFY(!save->isEnabled());
    panel.findChild<QSpinBox *>(u"concurrentCallsSpin"_s)->setValue(3);
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);

    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().first().value<BatchConfig>().maxConcurrentCalls, 3);
    panel.markSaved();
    QVERIFY(!save->isEnabled());
}

QTEST_MAIN(TestBatchSetupPanel)
#include "tst_batchsetuppanel.moc"
