#include "multirowstatement.h"

namespace Dialdeck {

MultiRowStatement::MultiRowStatement(QSqlDatabase db, QByteArray head, QByteArray tuple,
                                     QByteArray tail, int maxRows)
    : m_db(std::move(db))
    , m_head(std::move(head))
    , m_tuple(std::move(tuple))
    , m_tail(std::move(tail))
    , m_maxRows(maxRows)
{}

SqliteStatement &MultiRowStatement::forRows(int rows)
{
    Q_ASSERT(rows >= 1 && rows <= m_maxRows);

    std::unique_ptr<SqliteStatement> &statement = m_prepared[rows];
    if (!statement) {
        QByteArray sql = m_head;
        for (int row = 0; row < rows; ++row) {
            if (row > 0)
                sql += ", ";
            sql += m_tuple;
        }
        sql += m_tail;
        statement = std::make_unique<SqliteStatement>(m_db, sql.constData());
    }
    return *statement;
}

} // namespace Dialdeck
