// Whatever a person types into the search box becomes a valid FTS5 query: the MATCH expression
// built from it never makes SQLite fail (a syntax error would show as a broken table).

#include "FuzzTarget.h"
#include "inventory/DeviceFilter.h"
#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"

#include <memory>

namespace {
fleet::SqliteDatabase &database()
{
    static std::unique_ptr<fleet::SqliteDatabase> db = [] {
        auto opened = fleet::SqliteDatabase::open(QStringLiteral(":memory:"),
                                                  fleet::SqliteDatabase::Access::ReadWriteCreate);
        if (!opened || !fleet::Migrations::migrate(*opened.value()).ok())
            fuzzViolation("cannot create the schema in memory");
        (void)opened.value()->exec(QStringLiteral(
            "INSERT INTO devices (uid, name, ip) VALUES ('dev-1', 'press line 4', '10.0.0.1')"));
        return std::move(opened.value());
    }();
    return *db;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString match = fleet::DeviceFilterSql::matchExpression(text);
    if (match.isEmpty())
        return 0;
    auto count = database().scalar(
        QStringLiteral("SELECT count(*) FROM device_search WHERE device_search MATCH ?"), {match});
    if (!count)
        fuzzViolation(qPrintable(
            QStringLiteral("text %1 gave a bad query %2: %3").arg(text, match, count.message())));
    return 0;
}
