#include "callernumberlistmodel.h"

#include <QDateTime>
#include <QLocale>

namespace Dialdeck {

CallerNumberListModel::CallerNumberListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void CallerNumberListModel::setPhones(QList<Phone> phones)
{
    beginResetModel();
    m_phones = std::move(phones);
    endResetModel();
}

std::optional<Phone> CallerNumberListModel::phone(int row) const
{
    if (row < 0 || row >= m_phones.size())
        return std::nullopt;
    return m_phones.at(row);
}

void CallerNumberListModel::setLiveFigures(const QList<CallerNumberProgress> &callers, qint64 nowMs)
{
    m_live.clear();
    for (const CallerNumberProgress &caller : callers)
        m_live.insert(caller.phoneId, caller);
    m_nowMs = nowMs;

    if (!m_phones.isEmpty())
        Q_EMIT dataChanged(index(0, CallsTodayColumn), index(int(m_phones.size()) - 1, RestingColumn));
}

int CallerNumberListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_phones.size());
}

int CallerNumberListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallerNumberListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_phones.size())
        return {};

    const Phone &phone = m_phones.at(index.row());
    if (role == PhoneIdRole)
        return phone.id;
    if (role == Qt::CheckStateRole && index.column() == EnabledColumn)
        return phone.enabled ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::DisplayRole)
        return displayValue(phone, index.column());
    return {};
}

QVariant CallerNumberListModel::displayValue(const Phone &phone, int column) const
{
    const QLocale locale;
    switch (column) {
    case IdColumn:
        return phone.id;
    case NumberColumn:
        return phone.e164;
    case LabelColumn:
        return phone.label;
    case EnabledColumn:
        return phone.enabled ? tr("Enabled") : tr("Disabled");
    case DailyCapColumn:
        return phone.dailyCap > 0 ? locale.toString(phone.dailyCap) : tr("No cap");
    case CooldownColumn:
        return tr("%1 s").arg(phone.cooldownSeconds);
    default:
        break;
    }

    const auto live = m_live.constFind(phone.id);
    if (live == m_live.cend())
        return QString();
    return liveText(*live, column);
}

QString CallerNumberListModel::liveText(const CallerNumberProgress &live, int column) const
{
    const QLocale locale;
    switch (column) {
    case CallsTodayColumn:
        return locale.toString(live.callsToday);
    case AnswerRateColumn:
        if (live.ended == 0)
            return QString();
        return tr("%1 %").arg(locale.toString(100.0 * live.answered / live.ended, 'f', 0));
    case LastUsedColumn:
        if (live.lastUsedMs < 0)
            return tr("Not yet");
        return tr("%n s ago", nullptr, int(qMax<qint64>(0, m_nowMs - live.lastUsedMs) / 1000));
    case RestingColumn:
        if (live.capReached)
            return tr("Daily cap reached");
        if (live.inCall)
            return tr("In a call");
        return live.resting ? tr("Resting") : tr("Available");
    default:
        return QString();
    }
}

QVariant CallerNumberListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};

    switch (section) {
    case IdColumn:
        return tr("Id");
    case NumberColumn:
        return tr("Number");
    case LabelColumn:
        return tr("Label");
    case EnabledColumn:
        return tr("Enabled");
    case DailyCapColumn:
        return tr("Daily cap");
    case CooldownColumn:
        return tr("Cooldown");
    case CallsTodayColumn:
        return tr("Calls today");
    case AnswerRateColumn:
        return tr("Answer rate");
    case LastUsedColumn:
        return tr("Last used");
    case RestingColumn:
        return tr("State");
    default:
        return {};
    }
}

} // namespace Dialdeck
