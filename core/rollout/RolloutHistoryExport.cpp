#include "RolloutHistoryExport.h"

#include "io/CsvWriter.h"
#include "rollout/RolloutState.h"

#include <QBuffer>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace fleet {

namespace {

QJsonValue optionalTime(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(RolloutHistoryExport::isoTime(ms)) : QJsonValue(QJsonValue::Null);
}

QJsonObject countsJson(const WaveCounts &c)
{
    return QJsonObject{
        {QStringLiteral("total"), c.total()},
        {QStringLiteral("pending"), c.pending},
        {QStringLiteral("in_progress"), c.inProgress},
        {QStringLiteral("succeeded"), c.succeeded},
        {QStringLiteral("failed"), c.failed},
        {QStringLiteral("rejected"), c.rejected},
        {QStringLiteral("timed_out"), c.timedOut},
        {QStringLiteral("rolled_back"), c.rolledBack},
        {QStringLiteral("cancelled"), c.cancelled},
        {QStringLiteral("removed"), c.removed},
    };
}

QStringList windowTexts(const RolloutPlanSpec &plan)
{
    QStringList texts;
    for (const MaintenanceWindow &w : plan.windows)
        texts << w.toString();
    return texts;
}

QString percentText(const std::optional<int> &percent)
{
    return percent ? QString::number(*percent) : QString();
}

QStringList countCells(const WaveCounts &c)
{
    return {QString::number(c.total()),    QString::number(c.pending),
            QString::number(c.inProgress), QString::number(c.succeeded),
            QString::number(c.failed),     QString::number(c.rejected),
            QString::number(c.timedOut),   QString::number(c.rolledBack),
            QString::number(c.cancelled),  QString::number(c.removed)};
}

const QStringList kCountHeaders = {QStringLiteral("total"),       QStringLiteral("pending"),
                                   QStringLiteral("in_progress"), QStringLiteral("succeeded"),
                                   QStringLiteral("failed"),      QStringLiteral("rejected"),
                                   QStringLiteral("timed_out"),   QStringLiteral("rolled_back"),
                                   QStringLiteral("cancelled"),   QStringLiteral("removed")};

} // namespace

QString RolloutHistoryExport::isoTime(const std::optional<qint64> &ms)
{
    if (!ms)
        return {};
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

Result<RolloutHistory> RolloutHistoryExport::read(SqliteDatabase &db, qint64 rolloutId,
                                                  qint64 nowMs)
{
    RolloutStatusReader reader(db);
    RolloutHistory history;
    auto status = reader.status(rolloutId);
    if (!status)
        return status.error();
    history.status = std::move(status.value());
    auto devices = reader.devices(rolloutId);
    if (!devices)
        return devices.error();
    history.devices = std::move(devices.value());
    auto events = reader.events(rolloutId);
    if (!events)
        return events.error();
    history.events = std::move(events.value());
    history.exportedMs = nowMs;
    return history;
}

QJsonObject RolloutHistoryExport::toJson(const RolloutHistory &history)
{
    const RolloutStatus &s = history.status;
    const StoredRollout &r = s.rollout;

    QJsonArray passes;
    for (const TestPassRecord &p : s.testPasses)
        passes.append(QJsonObject{
            {QStringLiteral("source"), TestPassRecord::sourceName(p.source)},
            {QStringLiteral("summary"), p.summary},
            {QStringLiteral("recorded_by"), p.recordedBy},
            {QStringLiteral("recorded_at"), isoTime(p.recordedMs)},
            {QStringLiteral("key_fingerprint"), p.keyFingerprint},
            {QStringLiteral("signature_verified"), p.verified},
        });
    const QJsonObject header{
        {QStringLiteral("id"), r.id},
        {QStringLiteral("name"), r.name},
        {QStringLiteral("state"), RolloutStates::name(r.state)},
        {QStringLiteral("release"), QJsonObject{{QStringLiteral("id"), r.releaseId},
                                                {QStringLiteral("name"), s.releaseName},
                                                {QStringLiteral("version"), s.releaseVersion},
                                                {QStringLiteral("sha256"), s.releaseSha256}}},
        {QStringLiteral("created_by"), r.createdBy},
        {QStringLiteral("created_at"), isoTime(r.createdMs)},
        {QStringLiteral("reason"), r.reason},
        {QStringLiteral("approved_by"), r.approvedBy},
        {QStringLiteral("started_at"), optionalTime(r.startedMs)},
        {QStringLiteral("finished_at"), optionalTime(r.finishedMs)},
        {QStringLiteral("updated_at"), isoTime(r.updatedMs)},
        {QStringLiteral("current_wave"), r.currentWave},
        {QStringLiteral("windows"), QJsonArray::fromStringList(windowTexts(r.plan))},
        {QStringLiteral("windows_overridden"), r.windowsOverridden},
        {QStringLiteral("test_gate_passed"), s.testGatePassed},
        {QStringLiteral("test_passes"), passes},
        {QStringLiteral("excluded_devices"), s.excludedCount},
        {QStringLiteral("totals"), countsJson(s.total)},
        {QStringLiteral("plan"), r.plan.toJson()},
    };

    QJsonArray waves;
    for (const RolloutWaveStatus &w : s.waves) {
        QJsonObject wave = countsJson(w.counts);
        wave.insert(QStringLiteral("wave"), w.wave);
        wave.insert(QStringLiteral("name"), w.name);
        wave.insert(QStringLiteral("current"), w.current);
        waves.append(wave);
    }

    QJsonArray devices;
    for (const RolloutDeviceStatus &d : history.devices)
        devices.append(QJsonObject{
            {QStringLiteral("uid"), d.uid},
            {QStringLiteral("name"), d.name},
            {QStringLiteral("site"), d.site},
            {QStringLiteral("wave"), d.wave},
            {QStringLiteral("state"), RolloutDeviceStates::name(d.state)},
            {QStringLiteral("step"), d.step},
            {QStringLiteral("attempts"), d.attempts},
            {QStringLiteral("percent"),
             d.percent ? QJsonValue(*d.percent) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("failure_kind"), d.failureKind},
            {QStringLiteral("reason"), d.reason},
            {QStringLiteral("known_good"), d.knownGood},
            {QStringLiteral("reported_version"), d.reportedVersion},
            {QStringLiteral("rollback_requested"), d.rollbackRequested},
            {QStringLiteral("job_id"), d.jobId},
            {QStringLiteral("started_at"), optionalTime(d.startedMs)},
            {QStringLiteral("finished_at"), optionalTime(d.finishedMs)},
        });

    QJsonArray timeline;
    for (const RolloutEvent &e : history.events)
        timeline.append(QJsonObject{
            {QStringLiteral("at"), isoTime(e.atMs)},
            {QStringLiteral("kind"), e.kind},
            {QStringLiteral("device"), e.deviceUid},
            {QStringLiteral("wave"), e.wave ? QJsonValue(*e.wave) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("from"), e.fromState},
            {QStringLiteral("to"), e.toState},
            {QStringLiteral("actor"), e.actor},
            {QStringLiteral("reason"), e.reason},
        });

    return QJsonObject{
        {QStringLiteral("format"), QStringLiteral("fleetdesk-rollout-history-1")},
        {QStringLiteral("exported_at"), isoTime(history.exportedMs)},
        {QStringLiteral("rollout"), header},
        {QStringLiteral("waves"), waves},
        {QStringLiteral("devices"), devices},
        {QStringLiteral("timeline"), timeline},
    };
}

QByteArray RolloutHistoryExport::toCsv(const RolloutHistory &history)
{
    const RolloutStatus &s = history.status;
    const StoredRollout &r = s.rollout;
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    CsvWriter csv(buffer);

    QStringList passes;
    for (const TestPassRecord &p : s.testPasses)
        passes << QStringLiteral("%1 by %2 at %3 (key %4%5): %6")
                      .arg(TestPassRecord::sourceName(p.source), p.recordedBy,
                           isoTime(p.recordedMs), p.keyFingerprint,
                           p.verified ? QString() : QStringLiteral(", signature does not verify"),
                           p.summary);
    csv.writeRow({QStringLiteral("section"), QStringLiteral("id"), QStringLiteral("name"),
                  QStringLiteral("state"), QStringLiteral("release"),
                  QStringLiteral("release_version"), QStringLiteral("release_sha256"),
                  QStringLiteral("created_by"), QStringLiteral("created_at"),
                  QStringLiteral("approved_by"), QStringLiteral("started_at"),
                  QStringLiteral("finished_at"), QStringLiteral("current_wave"),
                  QStringLiteral("windows"), QStringLiteral("windows_overridden"),
                  QStringLiteral("test_gate_passed"), QStringLiteral("test_passes"),
                  QStringLiteral("excluded_devices"), QStringLiteral("exported_at")});
    csv.writeRow({QStringLiteral("rollout"), QString::number(r.id), r.name,
                  RolloutStates::name(r.state), s.releaseName, s.releaseVersion, s.releaseSha256,
                  r.createdBy, isoTime(r.createdMs), r.approvedBy, isoTime(r.startedMs),
                  isoTime(r.finishedMs), QString::number(r.currentWave),
                  windowTexts(r.plan).join(QStringLiteral("; ")),
                  r.windowsOverridden ? QStringLiteral("yes") : QStringLiteral("no"),
                  s.testGatePassed ? QStringLiteral("yes") : QStringLiteral("no"),
                  passes.join(QStringLiteral(" | ")), QString::number(s.excludedCount),
                  isoTime(history.exportedMs)});
    csv.writeRow({});

    csv.writeRow(QStringList{QStringLiteral("section"), QStringLiteral("wave"),
                             QStringLiteral("name"), QStringLiteral("current")} +
                 kCountHeaders);
    for (const RolloutWaveStatus &w : s.waves)
        csv.writeRow(QStringList{QStringLiteral("wave"), QString::number(w.wave), w.name,
                                 w.current ? QStringLiteral("yes") : QStringLiteral("no")} +
                     countCells(w.counts));
    csv.writeRow(QStringList{QStringLiteral("wave"), QString(), QStringLiteral("all"), QString()} +
                 countCells(s.total));
    csv.writeRow({});

    csv.writeRow({QStringLiteral("section"), QStringLiteral("uid"), QStringLiteral("name"),
                  QStringLiteral("site"), QStringLiteral("wave"), QStringLiteral("state"),
                  QStringLiteral("step"), QStringLiteral("attempts"), QStringLiteral("percent"),
                  QStringLiteral("failure_kind"), QStringLiteral("reason"),
                  QStringLiteral("known_good"), QStringLiteral("reported_version"),
                  QStringLiteral("rollback_requested"), QStringLiteral("started_at"),
                  QStringLiteral("finished_at")});
    for (const RolloutDeviceStatus &d : history.devices)
        csv.writeRow({QStringLiteral("device"), d.uid, d.name, d.site, QString::number(d.wave),
                      RolloutDeviceStates::name(d.state), d.step, QString::number(d.attempts),
                      percentText(d.percent), d.failureKind, d.reason, d.knownGood,
                      d.reportedVersion,
                      d.rollbackRequested ? QStringLiteral("yes") : QStringLiteral("no"),
                      isoTime(d.startedMs), isoTime(d.finishedMs)});
    csv.writeRow({});

    csv.writeRow({QStringLiteral("section"), QStringLiteral("at"), QStringLiteral("kind"),
                  QStringLiteral("device"), QStringLiteral("wave"), QStringLiteral("from"),
                  QStringLiteral("to"), QStringLiteral("actor"), QStringLiteral("reason")});
    for (const RolloutEvent &e : history.events)
        csv.writeRow({QStringLiteral("event"), isoTime(e.atMs), e.kind, e.deviceUid,
                      e.wave ? QString::number(*e.wave) : QString(), e.fromState, e.toState,
                      e.actor, e.reason});
    return bytes;
}

Result<RolloutHistoryExport::Format> RolloutHistoryExport::formatFor(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("json"))
        return Format::Json;
    if (suffix == QLatin1String("csv"))
        return Format::Csv;
    return Error::invalid(
        QStringLiteral("Cannot tell the export format from \"%1\": name the file .csv or .json")
            .arg(QFileInfo(path).fileName()));
}

Status RolloutHistoryExport::write(const RolloutHistory &history, const QString &path,
                                   Format format)
{
    const QByteArray bytes = format == Format::Json
                                 ? QJsonDocument(toJson(history)).toJson(QJsonDocument::Indented)
                                 : toCsv(history);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::failed(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Error::failed(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace fleet
