#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>

namespace Dialdeck {

// The lines of the log pane, oldest first. Holds at most capacity() lines and
// drops the oldest beyond that, so a long run cannot grow memory without bound.
class LogModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    explicit LogModel(int capacity = 2000, QObject *parent = nullptr);

    void append(QtMsgType type, const QString &text, const QDateTime &when = QDateTime::currentDateTime());
    int capacity() const { return m_capacity; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    struct Line
    {
        QtMsgType type = QtInfoMsg;
        QString text;
        QDateTime when;
    };

    int m_capacity = 2000;
    QList<Line> m_lines;
};

} // namespace Dialdeck
