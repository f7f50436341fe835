#include "TestWorkspace.h"

#include "audit/AuditLog.h"
#include "audit/AuditVerifier.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace fleet::test {

TestWorkspace::TestWorkspace()
    : m_path(m_dir.filePath(QStringLiteral("test.fleetdesk")))
    , m_clock(QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC))
{
    reopen();
}

void TestWorkspace::reopen()
{
    m_session.reset();
    auto s = WorkspaceSession::open(m_path, {}, m_clock, testActor());
    if (!s)
        qFatal("cannot open test workspace: %s", qUtf8Printable(s.message()));
    m_session = std::move(s.value());
}

Actor TestWorkspace::testActor()
{
    return Actor{QStringLiteral("tester"), QStringLiteral("Test Operator"),
                 QStringLiteral("testhost")};
}

Device TestWorkspace::makeDevice(const QString &uid)
{
    Device d;
    d.uid = uid;
    d.name = QStringLiteral("Gateway %1").arg(uid);
    d.serial = QStringLiteral("SN-%1").arg(uid);
    d.vendor = QStringLiteral("Northwind Controls");
    d.model = QStringLiteral("GW-4000");
    d.hwRevision = QStringLiteral("B");
    d.fwVersion = QStringLiteral("2.4.1");
    d.site = QStringLiteral("Plant A");
    d.siteTimeZone = QStringLiteral("Europe/Berlin");
    d.state = QStringLiteral("active");
    d.ip = QStringLiteral("10.20.0.%1").arg(qHash(uid) % 250 + 1);
    d.online = true;
    d.health = QStringLiteral("ok");
    return d;
}

QList<qint64> TestWorkspace::addDevices(int count)
{
    QList<qint64> ids;
    for (int i = 1; i <= count; ++i) {
        auto r = m_session->inventory().saveDevice(
            makeDevice(QStringLiteral("dev-%1").arg(i, 4, 10, QLatin1Char('0'))));
        if (!r)
            qFatal("addDevices: %s", qUtf8Printable(r.message()));
        ids << r->id;
    }
    return ids;
}

qint64 TestWorkspace::auditCount()
{
    auto v = db().scalar(QStringLiteral("SELECT count(*) FROM audit_log"));
    if (!v)
        qFatal("auditCount: %s", qUtf8Printable(v.message()));
    return v.value().toLongLong();
}

QByteArray fileSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

std::unique_ptr<SqliteDatabase> openRaw(const QString &path, SqliteDatabase::Access access)
{
    auto db = SqliteDatabase::open(path, access);
    if (!db) {
        QTest::qFail(qUtf8Printable(QStringLiteral("openRaw(%1): %2").arg(path, db.message())),
                     __FILE__, __LINE__);
        return nullptr;
    }
    return std::move(db.value());
}

QStringList normalizedSchema(SqliteDatabase &db)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    QStringList out;
    auto s = db.prepare(QStringLiteral("SELECT type, name, tbl_name, sql FROM sqlite_master"));
    if (!s) {
        QTest::qFail(qUtf8Printable(s.message()), __FILE__, __LINE__);
        return out;
    }
    while (s->next()) {
        QString sql = s->text(3);
        sql.replace(space, QStringLiteral(" "));
        out << QStringLiteral("%1|%2|%3|%4").arg(s->text(0), s->text(1), s->text(2), sql.trimmed());
    }
    out.sort();
    return out;
}

QStringList column(SqliteDatabase &db, const QString &sql, const QVariantList &binds)
{
    QStringList out;
    auto s = db.prepare(sql);
    if (!s) {
        QTest::qFail(qUtf8Printable(s.message()), __FILE__, __LINE__);
        return out;
    }
    s->bindAll(binds);
    while (s->next())
        out << s->text(0);
    if (!s->lastStepError().isEmpty())
        QTest::qFail(qUtf8Printable(s->lastStepError()), __FILE__, __LINE__);
    return out;
}

QVariant scalarOf(SqliteDatabase &db, const QString &sql, const QVariantList &binds)
{
    auto v = db.scalar(sql, binds);
    if (!v) {
        QTest::qFail(qUtf8Printable(QStringLiteral("%1: %2").arg(sql, v.message())), __FILE__,
                     __LINE__);
        return {};
    }
    return v.value();
}

namespace {

Status execAll(SqliteDatabase &db, const QStringList &statements)
{
    for (const QString &sql : statements)
        if (Status s = db.exec(sql); !s)
            return Error::failed(QStringLiteral("%1: %2").arg(sql, s.message()));
    return {};
}

} // namespace

void seedVersionData(SqliteDatabase &db, int version, const QString &workspacePath)
{
    if (version < 1)
        return;
    // Schema 1: the inventory and the audit trail, as Fleetdesk with schema 1 wrote them.
    Status s = execAll(
        db,
        {QStringLiteral("INSERT INTO sites (id, name, time_zone) VALUES "
                        "(1, 'Plant A', 'Europe/Berlin'), (2, 'Plant B', 'America/Chicago')"),
         QStringLiteral(
             "INSERT INTO devices (id, uid, name, serial, vendor, model, hw_revision, "
             "fw_version, fw_previous, fw_known_good, config_hash, mac, ip, hostname, "
             "connection, site_id, state, first_seen, last_seen, online, health, notes) VALUES "
             "(1, 'gw-1', 'Pressline Müller', 'SN-1', 'Northwind', 'GW-4000', 'B', '2.4.1', "
             "'2.3.0', '2.3.0', 'abc', 'aa:bb:cc:00:00:01', '10.0.0.1', 'gw1.plant-a', 'mqtt', "
             "1, 'active', 1700000000000, 1700000500000, 1, 'ok', 'near the press'), "
             "(2, 'gw-2', 'Paint shop', 'SN-2', 'Northwind', 'GW-4000', 'B', '2.4.1', '', '', "
             "'', '', '10.0.0.2', '', 'ddi', 2, 'maintenance', NULL, NULL, 0, 'degraded', ''), "
             "(3, 'sensor-9', 'Boiler sensor', 'SN-9', 'Contoso', 'TS-10', 'A', '1.0.0', '', '', "
             "'', '', '', '', 'serial', NULL, 'registered', NULL, NULL, 0, 'unknown', '')"),
         QStringLiteral("INSERT INTO device_tags VALUES (1, 'line-1'), (1, 'critical'), "
                        "(2, 'line-1')"),
         QStringLiteral("INSERT INTO device_groups (id, name, description) VALUES "
                        "(1, 'Pilot', 'first wave')"),
         QStringLiteral("INSERT INTO group_members VALUES (1, 1), (1, 3)"),
         QStringLiteral("INSERT INTO device_components VALUES "
                        "(1, 'openssl', '3.0.11', 'pkg:generic/openssl@3.0.11', ''), "
                        "(1, 'busybox', '1.36.1', '', 'cpe:2.3:a:busybox:busybox:1.36.1')"),
         QStringLiteral("INSERT INTO device_config VALUES (1, 'mqtt.broker', 'tls://broker')"),
         QStringLiteral("INSERT INTO firmware_history (device_id, at_ms, from_version, "
                        "to_version, source) VALUES (1, 1700000100000, '2.3.0', '2.4.1', "
                        "'import')")});
    if (!s) {
        QTest::qFail(qUtf8Printable(s.message()), __FILE__, __LINE__);
        return;
    }
    ManualClock clock(QDateTime(QDate(2025, 1, 15), QTime(8, 0), Qt::UTC));
    AuditLog log(db, clock, TestWorkspace::testActor(),
                 AuditHeadAnchor::pathForWorkspace(workspacePath));
    {
        SqliteTransaction tx(db);
        for (const char *uid : {"gw-1", "gw-2", "sensor-9"}) {
            clock.advanceMs(1000);
            auto e = log.append({QStringLiteral("device.create"),
                                 QStringLiteral("device"),
                                 QString::fromLatin1(uid),
                                 {},
                                 {},
                                 {}});
            if (!e) {
                QTest::qFail(qUtf8Printable(e.message()), __FILE__, __LINE__);
                return;
            }
        }
        if (Status c = tx.commit(); !c) {
            QTest::qFail(qUtf8Printable(c.message()), __FILE__, __LINE__);
            return;
        }
    }
    if (Status a = log.anchorHead(); !a) {
        QTest::qFail(qUtf8Printable(a.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 2)
        return;
    // Schema 2: saved filters, and the search index, which the application fills for each new
    // device (DeviceRepository) rather than a trigger.
    if (Status f = db.exec(QStringLiteral(
            "INSERT INTO saved_filters (name, filter_json) VALUES "
            "('Line 1', '{\"tags\":[\"line-1\"]}'); "
            "INSERT INTO device_search (rowid, uid, name, serial, vendor, model, hostname, ip, "
            "mac, notes) SELECT id, uid, name, serial, vendor, model, hostname, ip, mac, notes "
            "FROM devices"));
        !f) {
        QTest::qFail(qUtf8Printable(f.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 4)
        return;
    // Schema 4: what MQTT ingest keeps besides the device rows.
    if (Status g = db.exec(QStringLiteral(
            "INSERT INTO device_reported_extra (device_id, channel, json, updated_ms) VALUES "
            "(1, 'inventory', '{\"battery\":\"li-ion\"}', 1700000600000); "
            "INSERT INTO ingest_rejections (device_uid, reason, count, last_ms) VALUES "
            "('gw-1', 'seq: replayed', 3, 1700000700000)"));
        !g) {
        QTest::qFail(qUtf8Printable(g.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 5)
        return;
    // Schema 5: jobs with their events, and the last seq per device and stream.
    if (Status j = db.exec(QStringLiteral(
            "INSERT INTO device_stream_seq (device_uid, stream, seq) VALUES "
            "('gw-1', 'heartbeat', 41); "
            "INSERT INTO jobs (id, job_id, device_id, kind, seq, payload, target_version, "
            "origin, state, percent, created_ms, sent_ms, updated_ms) VALUES "
            "(1, 'j-1', 1, 'reboot', 7, '{}', '', 'operator', 'downloading', 40, "
            "1700000800000, 1700000800100, 1700000800200); "
            "INSERT INTO job_events (job_row, at_ms, device_seq, state, percent) VALUES "
            "(1, 1700000800200, 42, 'downloading', 40)"));
        !j) {
        QTest::qFail(qUtf8Printable(j.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 6)
        return;
    // Schema 6: workspace settings and broker profiles.
    if (Status b = db.exec(QStringLiteral(
            "INSERT INTO broker_profiles (name, url, settings_json, active) VALUES "
            "('Plant broker', 'mqtts://broker.plant:8883', '{\"verifyHostname\":true}', 1)"));
        !b) {
        QTest::qFail(qUtf8Printable(b.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 7)
        return;
    // Schema 7: the firmware catalog, one signing key and an approved release signed by it.
    if (Status r = db.exec(QStringLiteral(
            "INSERT INTO signing_keys (fingerprint, public_key_pem, created_ms) VALUES "
            "('0123456789abcdef0123456789abcdef', '-----BEGIN PUBLIC KEY-----', 1700000900000); "
            "INSERT INTO releases (name, version, version_sort, kind, file_name, artifact_path, "
            "sha256, size, models_json, hw_revisions_json, min_version, channel, state, "
            "known_good, signature, signing_key_fingerprint, created_ms, approved_ms) VALUES "
            "('gw-firmware', '2.5.0', '012.012.015~', 'swu', 'gw-2.5.0.swu', "
            "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', "
            "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 4096, "
            "'[\"GW-4000\"]', '[\"1.0\"]', '2.0.0', 'stable', 'approved', 1, 'c2lnbmF0dXJl', "
            "'0123456789abcdef0123456789abcdef', 1700000900100, 1700000900200)"));
        !r) {
        QTest::qFail(qUtf8Printable(r.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 8)
        return;
    // Schema 8: DDI credentials, a DDI action (job) for the release, its artifact's other hashes.
    if (Status d = db.exec(QStringLiteral(
            "INSERT INTO ddi_credentials (kind, device_id, token_sha256, created_ms) VALUES "
            "('target', 2, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', "
            "1700001000000); "
            "INSERT INTO ddi_credentials (kind, gateway_name, token_sha256, created_ms) VALUES "
            "('gateway', 'line-1 gateway', "
            "'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 1700001000100); "
            "INSERT INTO jobs (id, job_id, device_id, kind, seq, payload, target_version, origin, "
            "state, created_ms, updated_ms, transport, release_id, cancel_requested_ms) VALUES "
            "(2, 'j-2', 2, 'update', 0, '{}', '2.5.0', 'fleetctl', 'sent', 1700001000200, "
            "1700001000300, 'ddi', 1, 1700001000400); "
            "UPDATE releases SET sha1 = 'dddddddddddddddddddddddddddddddddddddddd', "
            "md5 = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'"));
        !d) {
        QTest::qFail(qUtf8Printable(d.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 9)
        return;
    // Schema 9: a draft rollout of the release, device 1 in the pilot, device 2 excluded.
    if (Status r = db.exec(QStringLiteral(
            "INSERT INTO rollouts (id, name, release_id, state, created_by, created_ms, "
            "plan_json, reason) VALUES (1, 'gw-2.5.0 line 1', 1, 'draft', 'tester', "
            "1700001100000, '{\"rate\":10}', 'quarterly update'); "
            "INSERT INTO rollout_devices (rollout_id, device_id, wave, state, attempts, "
            "updated_ms) VALUES (1, 1, 0, 'queued', 0, 1700001100000); "
            "INSERT INTO rollout_exclusions (rollout_id, device_id, reasons_json) VALUES "
            "(1, 2, '[{\"kind\":\"open_install\"}]')"));
        !r) {
        QTest::qFail(qUtf8Printable(r.message()), __FILE__, __LINE__);
        return;
    }
    if (version < 10)
        return;
    // Schema 10: a second rollout running wave 1, device 2 downloading its job, a decision is
    // on the timeline, the release has a signed bench pass, and an engine holds the lease.
    if (Status r = db.exec(QStringLiteral(
            "INSERT INTO rollouts (id, name, release_id, state, created_by, created_ms, "
            "plan_json, current_wave, started_ms, pace_credit) VALUES (2, 'gw-2.5.0 line 2', 1, "
            "'running', 'tester', 1700001150000, '{}', 1, 1700001200000, 1.5); "
            "INSERT INTO rollout_devices (rollout_id, device_id, wave, state, attempts, "
            "updated_ms, job_row, retries_used, known_good) VALUES (2, 2, 1, 'downloading', 1, "
            "1700001200100, 2, '1,0,0,0', '1.0.0'); "
            "INSERT INTO rollout_events (rollout_id, at_ms, device_id, wave, kind, from_state, "
            "to_state, actor, reason) VALUES (2, 1700001200100, 2, 1, 'device', 'notified', "
            "'downloading', 'engine', 'job j-2'); "
            "INSERT INTO release_test_passes (release_id, sha256, source, summary, recorded_by, "
            "recorded_ms, key_fingerprint, signature) VALUES (1, "
            "'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 'bench', "
            "'lab run 7', 'tester', 1700001200200, 'ffffffffffffffffffffffffffffffff', 'c2ln'); "
            "INSERT INTO engine_leases (name, holder, host, pid, expires_ms) VALUES "
            "('rollouts', 'fleetctl serve', 'bench-1', 4242, 1700001200300)"));
        !r)
        QTest::qFail(qUtf8Printable(r.message()), __FILE__, __LINE__);
}

void verifyVersionData(SqliteDatabase &db, int version, const QString &workspacePath)
{
    if (version < 1) {
        QCOMPARE(scalarOf(db, QStringLiteral("SELECT count(*) FROM devices")).toInt(), 0);
        return;
    }
    QCOMPARE(column(db, QStringLiteral("SELECT name || '@' || time_zone FROM sites ORDER BY id")),
             QStringList({QStringLiteral("Plant A@Europe/Berlin"),
                          QStringLiteral("Plant B@America/Chicago")}));
    QCOMPARE(column(db, QStringLiteral("SELECT uid || '|' || name || '|' || state || '|' || "
                                       "coalesce(site_id, '-') || '|' || online || '|' || "
                                       "coalesce(last_seen, '-') FROM devices ORDER BY id")),
             QStringList({QStringLiteral("gw-1|Pressline Müller|active|1|1|1700000500000"),
                          QStringLiteral("gw-2|Paint shop|maintenance|2|0|-"),
                          QStringLiteral("sensor-9|Boiler sensor|registered|-|0|-")}));
    QCOMPARE(column(db, QStringLiteral("SELECT device_id || ':' || tag FROM device_tags ORDER BY "
                                       "device_id, tag")),
             QStringList({QStringLiteral("1:critical"), QStringLiteral("1:line-1"),
                          QStringLiteral("2:line-1")}));
    QCOMPARE(column(db, QStringLiteral("SELECT group_id || ':' || device_id FROM group_members "
                                       "ORDER BY device_id")),
             QStringList({QStringLiteral("1:1"), QStringLiteral("1:3")}));
    QCOMPARE(column(db, QStringLiteral("SELECT name || '@' || version FROM device_components "
                                       "ORDER BY name")),
             QStringList({QStringLiteral("busybox@1.36.1"), QStringLiteral("openssl@3.0.11")}));
    QCOMPARE(column(db, QStringLiteral("SELECT key || '=' || value FROM device_config")),
             QStringList({QStringLiteral("mqtt.broker=tls://broker")}));
    QCOMPARE(column(db, QStringLiteral("SELECT at_ms || ':' || from_version || '>' || to_version "
                                       "FROM firmware_history")),
             QStringList({QStringLiteral("1700000100000:2.3.0>2.4.1")}));
    QCOMPARE(
        column(db, QStringLiteral("SELECT object_id FROM audit_log ORDER BY seq")),
        QStringList({QStringLiteral("gw-1"), QStringLiteral("gw-2"), QStringLiteral("sensor-9")}));
    auto v = AuditVerifier::verify(db, AuditHeadAnchor::pathForWorkspace(workspacePath));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QVERIFY(v->anchored);
    QCOMPARE(v->entries, qint64(3));
    if (version >= 2)
        QCOMPARE(column(db, QStringLiteral("SELECT name || '=' || filter_json FROM "
                                           "saved_filters")),
                 QStringList({QStringLiteral("Line 1={\"tags\":[\"line-1\"]}")}));
    if (version >= 4) {
        QCOMPARE(column(db, QStringLiteral("SELECT device_id || ':' || channel || ':' || json || "
                                           "':' || updated_ms FROM device_reported_extra")),
                 QStringList({QStringLiteral("1:inventory:{\"battery\":\"li-ion\"}:"
                                             "1700000600000")}));
        QCOMPARE(column(db, QStringLiteral("SELECT device_uid || ':' || reason || ':' || count "
                                           "|| ':' || last_ms FROM ingest_rejections")),
                 QStringList({QStringLiteral("gw-1:seq: replayed:3:1700000700000")}));
    }
    if (version >= 5) {
        QCOMPARE(column(db, QStringLiteral("SELECT device_uid || ':' || stream || ':' || seq "
                                           "FROM device_stream_seq")),
                 QStringList({QStringLiteral("gw-1:heartbeat:41")}));
        QCOMPARE(column(db, QStringLiteral("SELECT j.job_id || ':' || j.state || ':' || "
                                           "e.device_seq FROM jobs j JOIN job_events e ON "
                                           "e.job_row = j.id")),
                 QStringList({QStringLiteral("j-1:downloading:42")}));
    }
    if (version >= 6) {
        QCOMPARE(column(db, QStringLiteral("SELECT name || ':' || url || ':' || active FROM "
                                           "broker_profiles")),
                 QStringList({QStringLiteral("Plant broker:mqtts://broker.plant:8883:1")}));
        QCOMPARE(scalarOf(db, QStringLiteral("SELECT length(value) FROM workspace_settings "
                                             "WHERE key = 'workspace_id'"))
                     .toInt(),
                 32);
    }
    if (version >= 7) {
        QCOMPARE(column(db, QStringLiteral("SELECT r.name || '@' || r.version || ':' || r.state "
                                           "|| ':' || r.channel || ':' || r.known_good || ':' || "
                                           "r.models_json || ':' || k.created_ms FROM releases r "
                                           "JOIN signing_keys k ON k.fingerprint = "
                                           "r.signing_key_fingerprint")),
                 QStringList({QStringLiteral("gw-firmware@2.5.0:approved:stable:1:[\"GW-4000\"]:"
                                             "1700000900000")}));
    }
    if (version >= 8) {
        QCOMPARE(column(db, QStringLiteral("SELECT kind || ':' || coalesce(device_id, '-') || ':' "
                                           "|| coalesce(gateway_name, '-') || ':' || "
                                           "substr(token_sha256, 1, 4) FROM ddi_credentials "
                                           "ORDER BY id")),
                 QStringList({QStringLiteral("target:2:-:bbbb"),
                              QStringLiteral("gateway:-:line-1 gateway:cccc")}));
        QCOMPARE(column(db, QStringLiteral("SELECT job_id || ':' || transport || ':' || "
                                           "coalesce(release_id, '-') || ':' || "
                                           "coalesce(cancel_requested_ms, '-') FROM jobs ORDER "
                                           "BY id")),
                 QStringList(
                     {QStringLiteral("j-1:mqtt:-:-"), QStringLiteral("j-2:ddi:1:1700001000400")}));
        QCOMPARE(column(db, QStringLiteral("SELECT length(sha1) || ':' || length(md5) FROM "
                                           "releases")),
                 QStringList({QStringLiteral("40:32")}));
    }
    if (version >= 9) {
        QCOMPARE(column(db, QStringLiteral("SELECT r.name || ':' || r.state || ':' || "
                                           "r.created_by || ':' || r.plan_json || ':' || "
                                           "r.reason || ':' || d.device_id || '@' || d.wave || "
                                           "':' || d.state || ':' || e.device_id || ':' || "
                                           "e.reasons_json FROM rollouts r JOIN "
                                           "rollout_devices d ON d.rollout_id = r.id JOIN "
                                           "rollout_exclusions e ON e.rollout_id = r.id")),
                 QStringList({QStringLiteral("gw-2.5.0 line 1:draft:tester:{\"rate\":10}:"
                                             "quarterly update:1@0:queued:2:"
                                             "[{\"kind\":\"open_install\"}]")}));
    }
    if (version >= 10) {
        QCOMPARE(column(db, QStringLiteral("SELECT r.state || ':' || r.current_wave || ':' || "
                                           "r.pace_credit || ':' || d.state || ':' || d.job_row "
                                           "|| ':' || d.retries_used || ':' || d.known_good || "
                                           "':' || e.to_state || ':' || e.reason FROM rollouts r "
                                           "JOIN rollout_devices d ON d.rollout_id = r.id JOIN "
                                           "rollout_events e ON e.rollout_id = r.id")),
                 QStringList({QStringLiteral("running:1:1.5:downloading:2:1,0,0,0:1.0.0:"
                                             "downloading:job j-2")}));
        QCOMPARE(column(db, QStringLiteral("SELECT source || ':' || summary || ':' || "
                                           "signature FROM release_test_passes")),
                 QStringList({QStringLiteral("bench:lab run 7:c2ln")}));
        QCOMPARE(column(db, QStringLiteral("SELECT holder || ':' || pid FROM engine_leases")),
                 QStringList({QStringLiteral("fleetctl serve:4242")}));
    }
}

} // namespace fleet::test
