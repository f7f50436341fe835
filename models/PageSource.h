#pragma once

#include "util/Result.h"

#include <QVariant>
#include <QVector>

namespace fleet {

class SqliteDatabase;

// One page of table rows, each row a vector of raw column values.
using PageRows = QVector<QVector<QVariant>>;

// A query a paged table model shows: how many rows match and one slice of them. Implementations
// are immutable values, so the GUI thread can hand them to a worker thread without locking.
class PageSource
{
public:
    virtual ~PageSource() = default;
    virtual Result<qint64> count(SqliteDatabase &db) const = 0;
    // `matching` is count()'s answer for this source when known (-1 otherwise): some queries
    // pick a faster plan with it.
    virtual Result<PageRows> page(SqliteDatabase &db, qint64 offset, int limit,
                                  qint64 matching) const = 0;
};

} // namespace fleet
