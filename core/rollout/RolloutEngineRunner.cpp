#include "rollout/RolloutEngineRunner.h"

#include "audit/AuditHeadAnchor.h"
#include "audit/AuditLog.h"
#include "ddi/UpdateServerSettings.h"
#include "rollout/DriftScanner.h"
#include "rollout/EngineLease.h"
#include "rollout/JobRolloutTransport.h"
#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"
#include "util/Clock.h"

namespace fleet {

RolloutEngineRunner::RolloutEngineRunner(QString workspacePath, const Clock &clock, Options options,
                                         QObject *parent)
    : QObject(parent)
    , m_workspacePath(std::move(workspacePath))
    , m_clock(clock)
    , m_options(std::move(options))
    , m_timer(this) // a child, so moveToThread() takes it along
{
    qRegisterMetaType<fleet::RolloutTickReport>();
    m_timer.setInterval(m_options.intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RolloutEngineRunner::tickNow);
}

RolloutEngineRunner::~RolloutEngineRunner()
{
    stop();
}

Status RolloutEngineRunner::start()
{
    auto ws = Workspace::open(m_workspacePath);
    if (!ws)
        return ws.error();
    auto connection = ws.value()->openConnection();
    if (!connection)
        return connection.error();
    m_db = std::move(connection.value());
    m_audit = std::make_unique<AuditLog>(*m_db, m_clock, Actor::system(),
                                         AuditHeadAnchor::pathForWorkspace(m_workspacePath));
    QUrl base = m_options.artifactBaseUrl;
    if (base.isEmpty()) {
        auto settings = UpdateServerSettingsStore(*m_db, *m_audit).load();
        if (settings && !settings->publicUrl.isEmpty())
            base = QUrl(settings->publicUrl);
    }
    if (base.isEmpty())
        base = m_options.fallbackArtifactBaseUrl;
    m_transport = std::make_unique<JobRolloutTransport>(*m_db, *m_audit, base, m_options.tenant);
    m_engine = std::make_unique<RolloutEngine>(*m_db, *m_audit, m_clock, *m_transport);
    m_lease = std::make_unique<EngineLease>(*m_db, QStringLiteral("rollouts"), m_options.holder);
    m_drift = std::make_unique<DriftScanner>(*m_db, m_clock);
    m_timer.start();
    tickNow();
    return Status::success();
}

void RolloutEngineRunner::stop()
{
    m_timer.stop();
    if (m_lease && m_holdsLease)
        if (Status s = m_lease->release(); !s)
            emit problem(QStringLiteral("Could not give back the rollout engine's lease: %1")
                             .arg(s.message()));
    m_holdsLease = false;
    m_leaseKnown = false;
    m_engine.reset();
    m_drift.reset();
    m_transport.reset();
    m_lease.reset();
    m_audit.reset();
    m_db.reset();
}

void RolloutEngineRunner::tickNow()
{
    if (!m_engine)
        return;
    // Renewed a few times per term, not on every tick: a quiet engine leaves the file alone.
    const qint64 now = m_clock.nowMs();
    if (m_holdsLease && now < m_renewedMs + EngineLease::defaultTermMs / 3) {
        tickEngine();
        return;
    }
    auto held = m_lease->acquire(now);
    if (!held) {
        emit problem(QStringLiteral("Rollout engine lease: %1").arg(held.message()));
        return;
    }
    if (held.value() != m_holdsLease || !m_leaseKnown) {
        m_leaseKnown = true;
        m_holdsLease = held.value();
        auto who = m_lease->holderDescription();
        emit leaseChanged(m_holdsLease, who ? who.value() : QString());
    }
    if (!m_holdsLease)
        return;
    m_renewedMs = now;
    tickEngine();
}

void RolloutEngineRunner::tickEngine()
{
    auto report = m_engine->tick();
    if (!report) {
        emit problem(QStringLiteral("Rollout engine: %1").arg(report.message()));
        return;
    }
    for (const QString &p : report->problems)
        emit problem(QStringLiteral("Rollout engine: %1").arg(p));
    // The drift scan walks the fleet a slice per tick, after the rollouts' own work.
    if (m_options.driftDevicesPerTick > 0)
        if (auto scanned = m_drift->scanNext(m_options.driftDevicesPerTick); !scanned)
            emit problem(QStringLiteral("Drift scan: %1").arg(scanned.message()));
    emit ticked(report.value());
}

} // namespace fleet
