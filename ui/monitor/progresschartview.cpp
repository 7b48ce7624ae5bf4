#include "progresschartview.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 EngineMinuteMs = 60 * 1000;
constexpr qint64 WallSecondMs = 1000;

} // namespace

ProgressChartView::ProgressChartView(QWidget *parent) : QChartView(parent)
{
    setObjectName(u"progressChart"_s);
    setAccessibleName(tr("Calls per minute and answer rate over time"));
    // Antialiased lines cost a large share of each software-rendered frame.
    setRenderHint(QPainter::Antialiasing, false);
    setMinimumHeight(180);

    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));

    m_callsPerMinute = new QLineSeries(chart);
    m_callsPerMinute->setName(tr("Calls per minute"));
    m_answerRate = new QLineSeries(chart);
    m_answerRate->setName(tr("Answer rate (%)"));
    chart->addSeries(m_callsPerMinute);
    chart->addSeries(m_answerRate);

    m_timeAxis = new QDateTimeAxis(chart);
    m_timeAxis->setFormat(u"HH:mm"_s);
    // QDateTimeAxis labels points in the console's local time zone.
    m_timeAxis->setTitleText(tr("Engine time (local)"));
    m_callsAxis = new QValueAxis(chart);
    m_callsAxis->setLabelFormat(u"%.0f"_s);
    m_callsAxis->setRange(0, 1);
    m_rateAxis = new QValueAxis(chart);
    m_rateAxis->setLabelFormat(u"%.0f"_s);
    m_rateAxis->setRange(0, 100);

    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_callsAxis, Qt::AlignLeft);
    chart->addAxis(m_rateAxis, Qt::AlignRight);
    m_callsPerMinute->attachAxis(m_timeAxis);
    m_callsPerMinute->attachAxis(m_callsAxis);
    m_answerRate->attachAxis(m_timeAxis);
    m_answerRate->attachAxis(m_rateAxis);

    setChart(chart);
    clear();
}

void ProgressChartView::addSample(qint64 engineMs, double callsPerMinute, double answerRate)
{
    if (m_lastEngineMs >= 0) {
        const bool engineMinutePassed = engineMs - m_lastEngineMs >= EngineMinuteMs;
        const bool wallSecondPassed = m_sinceLastPoint.elapsed() >= WallSecondMs;
        if (engineMs < m_lastEngineMs || !(engineMinutePassed || wallSecondPassed))
            return;
    }

    m_lastEngineMs = engineMs;
    m_sinceLastPoint.start();

    // QDateTimeAxis maps series x values as ms since the epoch.
    m_callsPerMinute->append(double(engineMs), callsPerMinute);
    m_answerRate->append(double(engineMs), 100.0 * answerRate);
    dropOldPoints(engineMs);
    updateAxes();
}

void ProgressChartView::clear()
{
    m_callsPerMinute->clear();
    m_answerRate->clear();
    m_lastEngineMs = -1;

    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_timeAxis->setRange(now.addSecs(-3600), now);
    m_callsAxis->setRange(0, 1);
}

int ProgressChartView::pointCount() const
{
    return int(m_callsPerMinute->count());
}

void ProgressChartView::dropOldPoints(qint64 engineMs)
{
    const double oldest = double(engineMs - m_historyMs);
    int expired = 0;
    while (expired < m_callsPerMinute->count() && m_callsPerMinute->at(expired).x() < oldest)
        ++expired;

    if (expired > 0) {
        m_callsPerMinute->removePoints(0, expired);
        m_answerRate->removePoints(0, expired);
    }
}

void ProgressChartView::updateAxes()
{
    const int count = int(m_callsPerMinute->count());
    if (count == 0)
        return;

    // Every range change makes QtCharts lay out and relabel the axis on the
    // UI thread, which the responsiveness bench measured at up to 200 ms
    // under load. The ranges therefore grow in steps and change rarely.
    const qint64 first = qint64(m_callsPerMinute->at(0).x());
    const qint64 last = qint64(m_callsPerMinute->at(count - 1).x());
    const qint64 axisMin = m_timeAxis->min().toMSecsSinceEpoch();
    const qint64 axisMax = m_timeAxis->max().toMSecsSinceEpoch();
    const bool outside = first < axisMin || last > axisMax;
    const bool mostlyEmpty = first > axisMin + (axisMax - axisMin) / 2;
    if (outside || mostlyEmpty) {
        const qint64 span = std::max(2 * (last - first), EngineMinuteMs);
        m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(first, Qt::UTC),
                             QDateTime::fromMSecsSinceEpoch(first + span, Qt::UTC));
    }

    double maxCalls = 1.0;
    for (int i = 0; i < count; ++i)
        maxCalls = std::max(maxCalls, m_callsPerMinute->at(i).y());
    if (maxCalls > m_callsAxis->max() || maxCalls < m_callsAxis->max() / 4)
        m_callsAxis->setRange(0, maxCalls * 1.5);
}

} // namespace Dialdeck
