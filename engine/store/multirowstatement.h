#pragma once

#include "store/sqlitestatement.h"

#include <QByteArray>
#include <QSqlDatabase>

#include <map>
#include <memory>

namespace Dialdeck {

// A statement that writes several rows at once, such as a multi-row INSERT:
// `head`, then `tuple` once per row joined by commas, then `tail`. Each row
// count is prepared on first use and kept.
class MultiRowStatement final
{
public:
    MultiRowStatement(QSqlDatabase db, QByteArray head, QByteArray tuple, QByteArray tail,
                      int maxRows);

    int maxRows() const { return m_maxRows; }

    // Returns the statement for `rows` rows, from 1 to maxRows().
    SqliteStatement &forRows(int rows);

private:
    QSqlDatabase m_db;
    QByteArray m_head;
    QByteArray m_tuple;
    QByteArray m_tail;
    int m_maxRows;
    std::map<int, std::unique_ptr<SqliteStatement>> m_prepared;
};

} // namespace Dialdeck
