#include "SavedFilters.h"

#include "audit/AuditLog.h"
#include "storage/SqliteDatabase.h"

#include <QJsonDocument>

namespace fleet {

SavedFilters::SavedFilters(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{}

Result<QList<SavedFilters::Entry>> SavedFilters::list()
{
    auto s = m_db.prepare(QStringLiteral("SELECT name, filter_json FROM saved_filters ORDER BY "
                                         "name"));
    if (!s)
        return s.error();
    QList<Entry> out;
    while (s->next())
        out << Entry{s->text(0),
                     DeviceFilter::fromJson(QJsonDocument::fromJson(s->text(1).toUtf8()).object())};
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return out;
}

Result<DeviceFilter> SavedFilters::get(const QString &name)
{
    // Names are stored trimmed (see save()), so they are looked up trimmed too.
    auto v = m_db.scalar(QStringLiteral("SELECT filter_json FROM saved_filters WHERE name = ?"),
                         {name.trimmed()});
    if (!v)
        return v.error();
    if (!v.value().isValid())
        return Error::notFound(QStringLiteral("No saved filter named '%1'").arg(name.trimmed()));
    return DeviceFilter::fromJson(QJsonDocument::fromJson(v.value().toString().toUtf8()).object());
}

Status SavedFilters::save(const QString &name, const DeviceFilter &filter)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return Error::invalid(QStringLiteral("A saved filter needs a name"));
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    auto old =
        m_db.scalar(QStringLiteral("SELECT filter_json FROM saved_filters WHERE name = ?"), {n});
    if (!old)
        return old.status();
    const QString json =
        QString::fromUtf8(QJsonDocument(filter.toJson()).toJson(QJsonDocument::Compact));
    if (Status s = m_db.execute(QStringLiteral("INSERT INTO saved_filters (name, filter_json) "
                                               "VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
                                               "filter_json = excluded.filter_json"),
                                {n, json});
        !s)
        return s;
    const QJsonObject before = QJsonDocument::fromJson(old.value().toString().toUtf8()).object();
    if (Status s = tx.record({QStringLiteral("filter.save"),
                              QStringLiteral("filter"),
                              n,
                              before,
                              filter.toJson(),
                              {}});
        !s)
        return s;
    return tx.commit();
}

Status SavedFilters::remove(const QString &rawName)
{
    const QString name = rawName.trimmed();
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    auto old =
        m_db.scalar(QStringLiteral("SELECT filter_json FROM saved_filters WHERE name = ?"), {name});
    if (!old)
        return old.status();
    if (!old.value().isValid())
        return Error::notFound(QStringLiteral("No saved filter named '%1'").arg(name));
    if (Status s = m_db.execute(QStringLiteral("DELETE FROM saved_filters WHERE name = ?"), {name});
        !s)
        return s;
    if (Status s = tx.record({QStringLiteral("filter.delete"),
                              QStringLiteral("filter"),
                              name,
                              QJsonDocument::fromJson(old.value().toString().toUtf8()).object(),
                              {},
                              {}});
        !s)
        return s;
    return tx.commit();
}

} // namespace fleet
