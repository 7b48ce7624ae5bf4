#pragma once

#include <QChartView>
#include <QElapsedTimer>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace Dialdeck {

// Line chart of calls per minute (left axis) and answer rate in percent
// (right axis) over engine time. The history is bounded: points older than
// historyMs of engine time are dropped.
class ProgressChartView final : public QChartView
{
    Q_OBJECT

public:
    // Two hours of engine time.
    static constexpr qint64 DefaultHistoryMs = 2 * 60 * 60 * 1000;

    explicit ProgressChartView(QWidget *parent = nullptr);

    // Appends a point unless the last one is less than one engine minute and
    // less than one wall-clock second old, so a real-time run gets a point a
    // minute and a fast simulation at most one a second.
    void addSample(qint64 engineMs, double callsPerMinute, double answerRate);
    void clear();

    int pointCount() const;
    void setHistoryMs(qint64 historyMs) { m_historyMs = historyMs; }

private:
    void dropOldPoints(qint64 engineMs);
    void updateAxes();

    QLineSeries *m_callsPerMinute = nullptr;
    QLineSeries *m_answerRate = nullptr;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_callsAxis = nullptr;
    QValueAxis *m_rateAxis = nullptr;
    qint64 m_historyMs = DefaultHistoryMs;
    qint64 m_lastEngineMs = -1;
    QElapsedTimer m_sinceLastPoint;
};

} // namespace Dialdeck
