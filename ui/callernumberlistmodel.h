#pragma once

#include "core/domain.h"
#include "dialer/progresssnapshot.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Dialdeck {

// Every caller number of the store with its settings and, while a batch
// runs, its live figures from the engine's snapshots.
class CallerNumberListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        NumberColumn,
        LabelColumn,
        EnabledColumn,
        DailyCapColumn,
        CooldownColumn,
        CallsTodayColumn,
        AnswerRateColumn,
        LastUsedColumn,
        RestingColumn,
        ColumnCount,
    };

    static constexpr int PhoneIdRole = Qt::UserRole + 1;

    explicit CallerNumberListModel(QObject *parent = nullptr);

    void setPhones(QList<Phone> phones);
    const QList<Phone> &phones() const { return m_phones; }
    std::optional<Phone> phone(int row) const;

    // Takes the caller figures of one batch; nowMs is the engine clock. An
    // empty list clears the live columns.
    void setLiveFigures(const QList<CallerNumberProgress> &callers, qint64 nowMs);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayValue(const Phone &phone, int column) const;
    QString liveText(const CallerNumberProgress &live, int column) const;

    QList<Phone> m_phones;
    // Phone id -> live figures.
    QHash<QString, CallerNumberProgress> m_live;
    qint64 m_nowMs = 0;
};

} // namespace Dialdeck
