#include "RolloutStore.h"

#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace fleet {

namespace {

// The reverse of TargetingReason::kindName. A name this build does not know (written by a newer
// one) reads as Policy, the catch-all refusal, so the device stays excluded with its text.
TargetingReason::Kind kindFromName(const QString &name)
{
    using Kind = TargetingReason::Kind;
    for (Kind k : {Kind::Model, Kind::HardwareRevision, Kind::MinimumVersion, Kind::Downgrade,
                   Kind::UnknownVersion, Kind::AlreadyOnTarget, Kind::OpenInstall, Kind::Lifecycle,
                   Kind::TimeZone, Kind::Policy})
        if (TargetingReason::kindName(k) == name)
            return k;
    return Kind::Policy;
}

} // namespace

RolloutStore::RolloutStore(SqliteDatabase &db)
    : m_db(db)
{}

Result<qint64> RolloutStore::insertRollout(const StoredRollout &rollout)
{
    auto taken = idByName(rollout.name);
    if (!taken)
        return taken.error();
    if (taken.value())
        return Error::invalid(
            QStringLiteral("A rollout named '%1' already exists").arg(rollout.name));
    const QString plan =
        QString::fromUtf8(QJsonDocument(rollout.plan.toJson()).toJson(QJsonDocument::Compact));
    if (Status s = m_db.execute(
            QStringLiteral("INSERT INTO rollouts (name, release_id, state, created_by, "
                           "created_ms, plan_json, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {rollout.name, rollout.releaseId, RolloutStates::name(rollout.state), rollout.createdBy,
             rollout.createdMs, plan, rollout.reason});
        !s)
        return s.error();
    return m_db.lastInsertRowId();
}

Status RolloutStore::insertDevices(qint64 rolloutId, const QList<StoredRollout::Device> &devices)
{
    auto s = m_db.prepare(QStringLiteral("INSERT INTO rollout_devices (rollout_id, device_id, "
                                         "wave, state, attempts, updated_ms) VALUES "
                                         "(?, ?, ?, ?, ?, ?)"));
    if (!s)
        return s.status();
    for (const StoredRollout::Device &d : devices) {
        s->bindAll({rolloutId, d.deviceId, d.wave, RolloutDeviceStates::name(d.state), d.attempts,
                    d.updatedMs});
        if (Status e = s->exec(); !e)
            return e;
    }
    // What each device runs now is what a rollback takes it back to: the version it ran, and
    // was known to work with, before this rollout.
    return m_db.execute(QStringLiteral("UPDATE rollout_devices SET known_good = (SELECT "
                                       "d.fw_version FROM devices d WHERE d.id = device_id) "
                                       "WHERE rollout_id = ?"),
                        {rolloutId});
}

Status RolloutStore::insertExclusions(qint64 rolloutId, const QList<TargetingExclusion> &excluded)
{
    auto s = m_db.prepare(QStringLiteral("INSERT INTO rollout_exclusions (rollout_id, device_id, "
                                         "reasons_json) SELECT ?, id, ? FROM devices WHERE "
                                         "uid = ?"));
    if (!s)
        return s.status();
    for (const TargetingExclusion &e : excluded) {
        QJsonArray reasons;
        for (const TargetingReason &r : e.reasons)
            reasons << QJsonObject{{QStringLiteral("kind"), TargetingReason::kindName(r.kind)},
                                   {QStringLiteral("text"), r.text}};
        s->bindAll({rolloutId,
                    QString::fromUtf8(QJsonDocument(reasons).toJson(QJsonDocument::Compact)),
                    e.deviceUid});
        if (Status x = s->exec(); !x)
            return x;
        if (m_db.changes() != 1)
            return Error::notFound(
                QStringLiteral("Excluded device '%1' is not in the inventory").arg(e.deviceUid));
    }
    return Status::success();
}

Result<std::optional<qint64>> RolloutStore::idByName(const QString &name)
{
    auto id = m_db.scalar(QStringLiteral("SELECT id FROM rollouts WHERE name = ?"), {name});
    if (!id)
        return id.error();
    if (!id.value().isValid())
        return std::optional<qint64>();
    return std::optional<qint64>(id.value().toLongLong());
}

Result<QList<StoredRollout>> RolloutStore::headers(const QString &where, const QVariantList &binds)
{
    auto s = m_db.prepare(QStringLiteral("SELECT id, name, release_id, state, created_by, "
                                         "created_ms, plan_json, reason, current_wave, "
                                         "approved_by, start_at_ms, started_ms, finished_ms, "
                                         "wave_started_ms, updated_ms, windows_overridden, "
                                         "acknowledged_failures FROM rollouts ") +
                          where);
    if (!s)
        return s.error();
    s->bindAll(binds);
    QList<StoredRollout> rollouts;
    while (s->next()) {
        StoredRollout r;
        r.id = s->int64(0);
        r.name = s->text(1);
        r.releaseId = s->int64(2);
        auto state = RolloutStates::parse(s->text(3));
        if (!state)
            return state.error();
        r.state = state.value();
        r.createdBy = s->text(4);
        r.createdMs = s->int64(5);
        const QJsonDocument doc = QJsonDocument::fromJson(s->text(6).toUtf8());
        if (!doc.isObject())
            return Error::failed(
                QStringLiteral("Rollout '%1': its stored plan is not a JSON object").arg(r.name));
        auto plan = RolloutPlanSpec::fromJson(doc.object());
        if (!plan)
            return Error::failed(
                QStringLiteral("Rollout '%1': stored plan: %2").arg(r.name, plan.message()));
        r.plan = plan.value();
        r.reason = s->text(7);
        r.currentWave = int(s->int64(8));
        r.approvedBy = s->text(9);
        r.startAtMs = s->optionalInt64(10);
        r.startedMs = s->optionalInt64(11);
        r.finishedMs = s->optionalInt64(12);
        r.waveStartedMs = s->optionalInt64(13);
        r.updatedMs = s->int64(14);
        r.windowsOverridden = s->int64(15) != 0;
        r.acknowledgedFailures = s->int64(16);
        rollouts << r;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return rollouts;
}

Result<QList<StoredRollout>> RolloutStore::list()
{
    return headers(QStringLiteral("ORDER BY created_ms DESC, id DESC"), {});
}

Result<StoredRollout> RolloutStore::header(qint64 id)
{
    auto found = headers(QStringLiteral("WHERE id = ?"), {id});
    if (!found)
        return found.error();
    if (found->isEmpty())
        return Error::notFound(QStringLiteral("No rollout with id %1").arg(id));
    return found->front();
}

Result<StoredRollout> RolloutStore::find(const QString &idOrName)
{
    auto byName = idByName(idOrName.trimmed());
    if (!byName)
        return byName.error();
    if (byName.value())
        return header(*byName.value());
    bool isNumber = false;
    const qint64 id = idOrName.trimmed().toLongLong(&isNumber);
    if (isNumber)
        return header(id);
    return Error::notFound(QStringLiteral("No rollout named '%1'").arg(idOrName));
}

Result<StoredRollout> RolloutStore::load(qint64 id)
{
    auto found = header(id);
    if (!found)
        return found.error();
    StoredRollout r = found.value();

    // rowid keeps the planned order within a wave: rows are inserted in that order.
    auto d = m_db.prepare(QStringLiteral("SELECT rd.device_id, d.uid, rd.wave, rd.state, "
                                         "rd.attempts, rd.updated_ms FROM rollout_devices rd "
                                         "JOIN devices d ON d.id = rd.device_id WHERE "
                                         "rd.rollout_id = ? ORDER BY rd.wave, rd.rowid"));
    if (!d)
        return d.error();
    d->bindAll({id});
    while (d->next()) {
        StoredRollout::Device device;
        device.deviceId = d->int64(0);
        device.uid = d->text(1);
        device.wave = int(d->int64(2));
        auto state = RolloutDeviceStates::parse(d->text(3));
        if (!state)
            return state.error();
        device.state = state.value();
        device.attempts = int(d->int64(4));
        device.updatedMs = d->int64(5);
        r.devices << device;
    }
    if (!d->lastStepError().isEmpty())
        return Error::failed(d->lastStepError());

    auto e = m_db.prepare(QStringLiteral("SELECT d.uid, e.reasons_json FROM rollout_exclusions e "
                                         "JOIN devices d ON d.id = e.device_id WHERE "
                                         "e.rollout_id = ? ORDER BY d.uid"));
    if (!e)
        return e.error();
    e->bindAll({id});
    while (e->next()) {
        TargetingExclusion exclusion;
        exclusion.deviceUid = e->text(0);
        const QJsonArray reasons = QJsonDocument::fromJson(e->text(1).toUtf8()).array();
        for (const QJsonValue &v : reasons) {
            const QJsonObject o = v.toObject();
            auto kind = kindFromName(o.value(QStringLiteral("kind")).toString());
            exclusion.reasons << TargetingReason{kind, o.value(QStringLiteral("text")).toString()};
        }
        r.excluded << exclusion;
    }
    if (!e->lastStepError().isEmpty())
        return Error::failed(e->lastStepError());
    return r;
}

} // namespace fleet
