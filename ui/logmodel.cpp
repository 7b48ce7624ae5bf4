#include "logmodel.h"

#include <QApplication>
#include <QLocale>
#include <QPalette>
#include <QStyle>

namespace Dialdeck {

LogModel::LogModel(int capacity, QObject *parent)
    : QAbstractListModel(parent)
    , m_capacity(qMax(1, capacity))
{
}

void LogModel::append(QtMsgType type, const QString &text, const QDateTime &when)
{
    // Drop in chunks of a tenth so a busy engine does not cost one removal per line.
    if (m_lines.size() >= m_capacity) {
        const int drop = qMax(1, m_capacity / 10);
        beginRemoveRows({}, 0, drop - 1);
        m_lines.remove(0, drop);
        endRemoveRows();
    }

    const int row = int(m_lines.size());
    beginInsertRows({}, row, row);
    m_lines.append({type, text, when});
    endInsertRows();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_lines.size())
        return {};

    const Line &line = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QString(QLocale().toString(line.when.time(), QLocale::LongFormat) + u"  " + line.text);
    case Qt::ToolTipRole:
        return QLocale().toString(line.when, QLocale::LongFormat);
    case Qt::DecorationRole: {
        QStyle *style = QApplication::style();
        if (line.type == QtWarningMsg)
            return style->standardIcon(QStyle::SP_MessageBoxWarning);
        if (line.type == QtCriticalMsg || line.type == QtFatalMsg)
            return style->standardIcon(QStyle::SP_MessageBoxCritical);
        return style->standardIcon(QStyle::SP_MessageBoxInformation);
    }
    default:
        return {};
    }
}

} // namespace Dialdeck
