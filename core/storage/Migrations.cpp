#include "Migrations.h"

#include "storage/SqliteDatabase.h"

namespace fleet {

namespace {

// Version 1: inventory (devices, sites, tags, groups, SBOM components, configuration, firmware
// history) and the append-only audit trail.
const char *const kMigration1 = R"SQL(
CREATE TABLE sites (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    time_zone   TEXT NOT NULL DEFAULT 'UTC'
);

CREATE TABLE devices (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    serial          TEXT NOT NULL DEFAULT '',
    vendor          TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    hw_revision     TEXT NOT NULL DEFAULT '',
    fw_version      TEXT NOT NULL DEFAULT '',
    fw_previous     TEXT NOT NULL DEFAULT '',
    fw_known_good   TEXT NOT NULL DEFAULT '',
    config_hash     TEXT NOT NULL DEFAULT '',
    mac             TEXT NOT NULL DEFAULT '',
    ip              TEXT NOT NULL DEFAULT '',
    hostname        TEXT NOT NULL DEFAULT '',
    connection      TEXT NOT NULL DEFAULT 'mqtt'
                    CHECK (connection IN ('mqtt', 'ddi', 'serial')),
    site_id         INTEGER REFERENCES sites(id) ON DELETE RESTRICT,
    state           TEXT NOT NULL DEFAULT 'registered'
                    CHECK (state IN ('registered', 'active', 'maintenance', 'quarantined',
                                     'decommissioning', 'retired')),
    first_seen      INTEGER,
    last_seen       INTEGER,
    online          INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    health          TEXT NOT NULL DEFAULT 'unknown'
                    CHECK (health IN ('ok', 'degraded', 'failing', 'unknown')),
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX devices_name ON devices(name);
CREATE INDEX devices_serial ON devices(serial);
-- Facet filters end in name, the table's default sort: "model = X" then pages by name
-- straight from the index, with no sort of every matching row.
CREATE INDEX devices_model_name ON devices(model, name);
CREATE INDEX devices_fw_name ON devices(fw_version, name);
CREATE INDEX devices_site_name ON devices(site_id, name);
CREATE INDEX devices_state_name ON devices(state, name);
CREATE INDEX devices_online_name ON devices(online, name);
CREATE INDEX devices_last_seen ON devices(last_seen);

CREATE TABLE device_tags (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (device_id, tag)
) WITHOUT ROWID;
CREATE INDEX device_tags_tag ON device_tags(tag);

CREATE TABLE device_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE group_members (
    group_id    INTEGER NOT NULL REFERENCES device_groups(id) ON DELETE CASCADE,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, device_id)
) WITHOUT ROWID;
CREATE INDEX group_members_device ON group_members(device_id);

-- The device's software bill of materials.
CREATE TABLE device_components (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    purl        TEXT NOT NULL DEFAULT '',
    cpe         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (device_id, name, version)
) WITHOUT ROWID;
CREATE INDEX device_components_name ON device_components(name, version);

CREATE TABLE device_config (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (device_id, key)
) WITHOUT ROWID;

CREATE TABLE firmware_history (
    id              INTEGER PRIMARY KEY,
    device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    at_ms           INTEGER NOT NULL,
    from_version    TEXT NOT NULL DEFAULT '',
    to_version      TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX firmware_history_device ON firmware_history(device_id, at_ms);

-- Append-only, hash-chained audit trail. hash = SHA-256(prev_hash || canonical(entry)).
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    ts_ms           INTEGER NOT NULL,
    os_user         TEXT NOT NULL,
    operator        TEXT NOT NULL,
    host            TEXT NOT NULL,
    action          TEXT NOT NULL,
    object_type     TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    before_json     TEXT NOT NULL DEFAULT '',
    after_json      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_ts ON audit_log(ts_ms);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_action ON audit_log(action);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted'); END;
)SQL";

// Version 2: free-text search over the inventory (FTS5 with its content kept in `devices`) and
// saved filters, which are the dynamic groups. New devices are indexed by DeviceRepository,
// the one place that inserts them: an AFTER INSERT trigger into FTS5 measured 4x slower than
// the same insert made directly (13k against 50k rows/s), and bulk imports are all inserts.
// Updates and deletes stay on triggers, so no other write path can leave the index stale.
const char *const kMigration2 = R"SQL(
CREATE VIRTUAL TABLE device_search USING fts5(
    uid, name, serial, vendor, model, hostname, ip, mac, notes,
    content='devices', content_rowid='id', prefix='2 3', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO device_search(device_search) VALUES ('rebuild');
CREATE TRIGGER devices_search_delete AFTER DELETE ON devices BEGIN
    INSERT INTO device_search(device_search, rowid, uid, name, serial, vendor, model, hostname,
                              ip, mac, notes)
    VALUES ('delete', old.id, old.uid, old.name, old.serial, old.vendor, old.model, old.hostname,
            old.ip, old.mac, old.notes);
END;
-- Only when a searched column changes: heartbeats that touch last_seen must stay cheap.
CREATE TRIGGER devices_search_update
AFTER UPDATE OF uid, name, serial, vendor, model, hostname, ip, mac, notes ON devices BEGIN
    INSERT INTO device_search(device_search, rowid, uid, name, serial, vendor, model, hostname,
                              ip, mac, notes)
    VALUES ('delete', old.id, old.uid, old.name, old.serial, old.vendor, old.model, old.hostname,
            old.ip, old.mac, old.notes);
    INSERT INTO device_search(rowid, uid, name, serial, vendor, model, hostname, ip, mac, notes)
    VALUES (new.id, new.uid, new.name, new.serial, new.vendor, new.model, new.hostname, new.ip,
            new.mac, new.notes);
END;

CREATE TABLE saved_filters (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    filter_json TEXT NOT NULL
);
)SQL";

// Version 3: REPLACE removes a conflicting row without firing DELETE triggers, so INSERT OR
// REPLACE could rewrite an audit entry past audit_log_no_update/no_delete. Refuse an insert
// that reuses an existing entry's seq. Also drop the search-index insert trigger that early
// builds of version 2 created: DeviceRepository indexes new devices itself, and both together
// would index each new device twice.
const char *const kMigration3 = R"SQL(
DROP TRIGGER IF EXISTS devices_search_insert;
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be replaced'); END;
)SQL";

// Version 4: ingest of device reports over MQTT. Fields a device reports that this Fleetdesk
// does not know are kept as sent (per device and channel), so a newer agent's data is not lost
// and can be used once Fleetdesk learns it. Rejected reports are counted per device (with the
// last reason) rather than logged one by one: a misbehaving device must not fill the workspace.
const char *const kMigration4 = R"SQL(
CREATE TABLE device_reported_extra (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL CHECK (channel IN ('presence', 'inventory', 'heartbeat')),
    json        TEXT NOT NULL,
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (device_id, channel)
);

CREATE TABLE ingest_rejections (
    device_uid  TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
    last_ms     INTEGER NOT NULL
);
)SQL";

// Version 5: jobs sent to devices over MQTT and what the devices report about them, and the
// last sequence number seen per device and stream, so a report replayed after a restart is
// still recognised as a replay (SequenceGuard::restore).
//
// A job row is written (state "created") before the job is published, and the payload is kept
// byte for byte: after a crash or a lost connection the same job, with the same id and seq, is
// sent again, which the device recognises as a duplicate instead of a second install.
const char *const kMigration5 = R"SQL(
CREATE TABLE device_stream_seq (
    device_uid  TEXT NOT NULL,
    stream      TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (device_uid, stream)
) WITHOUT ROWID;

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    job_id      TEXT NOT NULL UNIQUE,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL
                CHECK (kind IN ('update', 'rollback', 'reboot', 'config', 'decommission')),
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    payload     TEXT NOT NULL,
    target_version TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'created',
    percent     INTEGER CHECK (percent BETWEEN 0 AND 100),
    reason      TEXT NOT NULL DEFAULT '',
    created_ms  INTEGER NOT NULL,
    sent_ms     INTEGER,
    updated_ms  INTEGER NOT NULL,
    finished_ms INTEGER,
    deadline_ms INTEGER
);
CREATE INDEX jobs_device ON jobs(device_id, created_ms);
CREATE INDEX jobs_unfinished ON jobs(state) WHERE finished_ms IS NULL;

CREATE TABLE job_events (
    id          INTEGER PRIMARY KEY,
    job_row     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    at_ms       INTEGER NOT NULL,
    device_seq  INTEGER,
    state       TEXT NOT NULL,
    percent     INTEGER,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_events_job ON job_events(job_row, id);
)SQL";

// Version 6: settings that belong to the workspace rather than to one computer, starting with
// its MQTT broker profiles (several, at most one active). Secrets are not here: passwords live
// in the operating system's keychain under the workspace's random id.
const char *const kMigration6 = R"SQL(
CREATE TABLE workspace_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO workspace_settings (key, value) VALUES ('workspace_id', lower(hex(randomblob(16))));

CREATE TABLE broker_profiles (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
    url         TEXT NOT NULL,
    settings_json TEXT NOT NULL DEFAULT '{}',
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX broker_profiles_one_active ON broker_profiles(active) WHERE active = 1;
)SQL";

// Version 7: the firmware catalog. A release is one artifact file, stored once under its
// SHA-256 in the workspace's artifact store (<workspace>.artifacts/<sha256>), with what the
// file says about itself (kind, version, details) and what the operator decides (targets,
// channel, state, known-good). version_sort is SemanticVersion::sortKey(): its byte order is
// SemVer precedence, so ORDER BY version_sort sorts releases correctly. Target models and
// hardware revisions are JSON arrays of strings: short lists, read with the release.
// An approved release carries the base64 Ed25519 signature of ArtifactSignature::statement()
// and the fingerprint of the key that made it; signing_keys keeps every public key that ever
// signed, so old signatures stay verifiable after the key is replaced.
const char *const kMigration7 = R"SQL(
CREATE TABLE signing_keys (
    id              INTEGER PRIMARY KEY,
    fingerprint     TEXT NOT NULL UNIQUE CHECK (length(fingerprint) = 32),
    public_key_pem  TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(active) WHERE active = 1;

CREATE TABLE releases (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
    version         TEXT NOT NULL,
    version_sort    TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('mcuboot', 'swu', 'file')),
    file_name       TEXT NOT NULL DEFAULT '',
    artifact_path   TEXT NOT NULL,
    sha256          TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    size            INTEGER NOT NULL CHECK (size >= 0),
    models_json     TEXT NOT NULL DEFAULT '[]',
    hw_revisions_json TEXT NOT NULL DEFAULT '[]',
    min_version     TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    details_json    TEXT NOT NULL DEFAULT '{}',
    channel         TEXT NOT NULL DEFAULT 'development'
                    CHECK (channel IN ('development', 'testing', 'stable')),
    state           TEXT NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'approved', 'revoked')),
    known_good      INTEGER NOT NULL DEFAULT 0 CHECK (known_good IN (0, 1)),
    signature       TEXT NOT NULL DEFAULT '',
    signing_key_fingerprint TEXT NOT NULL DEFAULT '',
    revoked_reason  TEXT NOT NULL DEFAULT '',
    created_ms      INTEGER NOT NULL,
    approved_ms     INTEGER,
    revoked_ms      INTEGER,
    CHECK (state != 'approved' OR (signature != '' AND signing_key_fingerprint != ''))
);
CREATE INDEX releases_name_version ON releases(name, version_sort);
CREATE INDEX releases_version ON releases(version_sort);
CREATE INDEX releases_state ON releases(state, channel);
)SQL";

// Version 8: the built-in update server that speaks hawkBit's DDI API.
// - ddi_credentials: the tokens devices (TargetToken, one per device) and gateways
//   (GatewayToken, one per named gateway) authenticate with. Only the SHA-256 of a token is
//   kept: tokens are 160 random bits, so an unsalted hash is enough to make a stolen workspace
//   file useless for impersonating devices, and it allows the look-up by hash.
// - jobs grow into the one record of "what a device was asked to do" for every transport: a
//   job's transport is the device's connection at the time it was made (a DDI job is hawkBit's
//   "action"; its numeric action id is jobs.id), release_id names the catalog release an update
//   installs, and cancel_requested_ms marks a DDI action an operator asked to cancel while the
//   device has not yet confirmed.
// - releases keep the SHA-1 and MD5 of their artifact as well: DDI clients (SWUpdate among
//   them) check the SHA-1 or MD5 given in the deployment. Filled on import and, for releases
//   imported before, the first time the update server serves them.
// - ddi_attributes: what DDI clients report about themselves through configData.
const char *const kMigration8 = R"SQL(
CREATE TABLE ddi_credentials (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('target', 'gateway')),
    device_id       INTEGER UNIQUE REFERENCES devices(id) ON DELETE CASCADE,
    gateway_name    TEXT UNIQUE CHECK (gateway_name IS NULL OR length(gateway_name) BETWEEN 1 AND 128),
    token_sha256    TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    created_ms      INTEGER NOT NULL,
    CHECK ((kind = 'target') = (device_id IS NOT NULL)),
    CHECK ((kind = 'gateway') = (gateway_name IS NOT NULL))
);

ALTER TABLE jobs ADD COLUMN transport TEXT NOT NULL DEFAULT 'mqtt'
    CHECK (transport IN ('mqtt', 'ddi'));
ALTER TABLE jobs ADD COLUMN release_id INTEGER REFERENCES releases(id);
ALTER TABLE jobs ADD COLUMN cancel_requested_ms INTEGER;
CREATE INDEX jobs_open_by_device ON jobs(device_id) WHERE finished_ms IS NULL;

-- The attributes a DDI client sent with configData (a JSON object of strings), as merged.
CREATE TABLE ddi_attributes (
    device_id   INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    json        TEXT NOT NULL,
    updated_ms  INTEGER NOT NULL
);

ALTER TABLE releases ADD COLUMN sha1 TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN md5 TEXT NOT NULL DEFAULT '';
)SQL";

// Schema 9: the persistent draft of a staged rollout (the engine that runs it comes later).
// - rollouts: one row per rollout; the plan's parameters (wave split, pilot, windows, rate,
//   concurrency, thresholds, step timeouts, retry limits) are kept as one JSON document
//   (RolloutPlanSpec) since they are read and written as a whole, never queried by field.
//   The state names are RolloutStates::name's, checked here so a typo never reaches the file.
// - rollout_devices: every planned device with its wave (0 = the pilot, 1.. the waves, even
//   without a pilot, so "wave 1" means the same thing in every rollout) and its state
//   (RolloutDeviceStates::name's); the engine updates state, attempts and updated_ms.
// - rollout_exclusions: the devices of the target set left out, with every reason as a JSON
//   list of {kind, text}, so "why was pump-17 not updated?" still has an answer later.
// Device references do not cascade (unlike the inventory's own tables): devices are retired, not
// deleted, and a rollout's record must not lose rows behind the audit trail's back.
const char *const kMigration9 = R"SQL(
CREATE TABLE rollouts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
    release_id  INTEGER NOT NULL REFERENCES releases(id),
    state       TEXT NOT NULL CHECK (state IN ('draft', 'waiting_for_approval', 'ready',
                    'scheduled', 'running', 'paused', 'stopping', 'stopped', 'finished')),
    created_by  TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    plan_json   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE rollout_devices (
    rollout_id  INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    wave        INTEGER NOT NULL CHECK (wave >= 0),
    state       TEXT NOT NULL CHECK (state IN ('queued', 'notified', 'downloading',
                    'downloaded', 'verified', 'installing', 'rebooting', 'validating',
                    'succeeded', 'failed', 'rejected', 'timed_out', 'cancelled', 'removed',
                    'rolled_back')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (rollout_id, device_id)
);
CREATE INDEX rollout_devices_wave ON rollout_devices(rollout_id, wave, state);

CREATE TABLE rollout_exclusions (
    rollout_id   INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    device_id    INTEGER NOT NULL REFERENCES devices(id),
    reasons_json TEXT NOT NULL,
    PRIMARY KEY (rollout_id, device_id)
);
)SQL";

// Schema 10: running rollouts (the engine), their timeline, the test gate and the engine lease.
// - rollouts gains what the engine and the operator actions need: the wave being worked on, the
//   start time, who approved it (four-eyes), a per-rollout override of the maintenance windows, the
//   failures a person acknowledged when resuming after a gate paused the wave (so the same
//   failures do not pause it again at once), and the rate limiter's credit (a token bucket kept
//   in the row, so a restarted engine does not burst).
// - rollout_devices gains the machine's snapshot (RolloutDeviceMachine::Snapshot: step and
//   attempt start, failure kind, retries used per kind, the last health problem), the job that
//   carries the current attempt, a requested rollback and its job, the known-good version captured at creation,
//   the last reason, and when the device started and finished.
// - rollout_events: every transition of the rollout, of a wave and of each device, every
//   automatic decision and operator action, in order: the timeline view and `status` read it.
// - release_test_passes: the test gate. A pass record for one artifact hash, signed with the
//   operator's Ed25519 key (the workspace's signing key), from a pilot's results or a lab run.
// - devices.fw_assigned: the version the server wants the device on (set when an install or
//   rollback is assigned, or when an operator accepts the version the device reports), and
//   device_drift: what the drift scanner found comparing it with the reported version and the
//   device's recent history (fall-backs, update loops, flapping), shown in the device table.
// - engine_leases: one engine runs a workspace's rollouts at a time (the window or `fleetctl
//   serve`); the holder renews its lease, and a killed holder's lease runs out.
const char *const kMigration10 = R"SQL(
ALTER TABLE rollouts ADD COLUMN current_wave INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE rollouts ADD COLUMN start_at_ms INTEGER;
ALTER TABLE rollouts ADD COLUMN started_ms INTEGER;
ALTER TABLE rollouts ADD COLUMN finished_ms INTEGER;
ALTER TABLE rollouts ADD COLUMN updated_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN windows_overridden INTEGER NOT NULL DEFAULT 0
    CHECK (windows_overridden IN (0, 1));
ALTER TABLE rollouts ADD COLUMN acknowledged_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN wave_started_ms INTEGER;
ALTER TABLE rollouts ADD COLUMN pace_credit REAL NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN pace_ms INTEGER;

ALTER TABLE rollout_devices ADD COLUMN job_row INTEGER REFERENCES jobs(id);
ALTER TABLE rollout_devices ADD COLUMN rollback_job_row INTEGER REFERENCES jobs(id);
ALTER TABLE rollout_devices ADD COLUMN rollback_requested_ms INTEGER;
ALTER TABLE rollout_devices ADD COLUMN step_started_ms INTEGER;
ALTER TABLE rollout_devices ADD COLUMN attempt_started_ms INTEGER;
ALTER TABLE rollout_devices ADD COLUMN failure_kind TEXT
    CHECK (failure_kind IN ('download', 'install', 'validation', 'timeout', 'rejected'));
ALTER TABLE rollout_devices ADD COLUMN retries_used TEXT NOT NULL DEFAULT '0,0,0,0';
ALTER TABLE rollout_devices ADD COLUMN health_problem TEXT NOT NULL DEFAULT '';
ALTER TABLE rollout_devices ADD COLUMN known_good TEXT NOT NULL DEFAULT '';
ALTER TABLE rollout_devices ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE rollout_devices ADD COLUMN started_ms INTEGER;
ALTER TABLE rollout_devices ADD COLUMN finished_ms INTEGER;
CREATE INDEX rollout_devices_state ON rollout_devices(rollout_id, state);
CREATE INDEX rollout_devices_rollback ON rollout_devices(rollout_id)
    WHERE rollback_requested_ms IS NOT NULL AND state != 'rolled_back';

CREATE TABLE rollout_events (
    id          INTEGER PRIMARY KEY,
    rollout_id  INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    at_ms       INTEGER NOT NULL,
    device_id   INTEGER REFERENCES devices(id),
    wave        INTEGER,
    kind        TEXT NOT NULL CHECK (kind IN ('rollout', 'wave', 'device', 'decision',
                    'operator')),
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rollout_events_by_time ON rollout_events(rollout_id, at_ms);
CREATE INDEX rollout_events_by_device ON rollout_events(rollout_id, device_id, id);

CREATE TABLE release_test_passes (
    id           INTEGER PRIMARY KEY,
    release_id   INTEGER NOT NULL REFERENCES releases(id),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    source       TEXT NOT NULL CHECK (source IN ('pilot', 'bench')),
    summary      TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
    recorded_by  TEXT NOT NULL,
    recorded_ms  INTEGER NOT NULL,
    key_fingerprint TEXT NOT NULL,
    signature    TEXT NOT NULL
);
CREATE INDEX release_test_passes_by_hash ON release_test_passes(sha256);

ALTER TABLE devices ADD COLUMN fw_assigned TEXT NOT NULL DEFAULT '';

CREATE TABLE device_drift (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('unknown_version', 'fell_back', 'update_loop',
                    'flapping', 'drift')),
    subject     TEXT NOT NULL DEFAULT '',
    sentence    TEXT NOT NULL,
    detected_ms INTEGER NOT NULL,
    PRIMARY KEY (device_id, kind)
);

CREATE TABLE engine_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
);
)SQL";

const char *const kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4, kMigration5,
                                   kMigration6, kMigration7, kMigration8, kMigration9,
                                   kMigration10};

} // namespace

int Migrations::latestVersion()
{
    return int(std::size(kMigrations));
}

QString Migrations::sql(int version)
{
    if (version < 1 || version > latestVersion())
        return {};
    return QString::fromUtf8(kMigrations[version - 1]);
}

Result<int> Migrations::currentVersion(SqliteDatabase &db)
{
    auto v = db.scalar(QStringLiteral("PRAGMA user_version"));
    if (!v)
        return v.error();
    return v.value().toInt();
}

Status Migrations::migrate(SqliteDatabase &db, int target)
{
    // A version without SQL would only stamp the file with a schema it does not have.
    if (target > latestVersion())
        return Error::invalid(QStringLiteral("Cannot migrate to schema version %1: this build "
                                             "knows up to %2")
                                  .arg(target)
                                  .arg(latestVersion()));
    auto current = currentVersion(db);
    if (!current)
        return current.status();
    for (int version = current.value() + 1; version <= target; ++version) {
        SqliteTransaction tx(db);
        if (!tx.beginStatus())
            return tx.beginStatus();
        if (Status s = db.exec(sql(version)); !s)
            return Error::failed(QStringLiteral("Schema migration to version %1 failed: %2")
                                     .arg(version)
                                     .arg(s.message()));
        if (Status s = db.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)); !s)
            return s;
        if (Status s = tx.commit(); !s)
            return s;
    }
    return {};
}

} // namespace fleet
