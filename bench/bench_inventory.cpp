// Inventory benchmark (issue #2): bulk import of N devices against a bare prepared-statement
// loop into the same schema, and the device table's queries on the imported workspace against
// the same SQL run bare. Every figure is printed with its ratio to a reference measured in this
// run: the machine is shared and noisy, an absolute time alone means little.
//
//   bench_inventory [--devices 1000000] [--runs 7] [--dir DIR] [--fleetdesk PATH] [--json FILE]

#include "InventoryDataset.h"
#include "audit/Actor.h"
#include "audit/AuditLog.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "io/CsvImporter.h"
#include "storage/Workspace.h"
#include "util/Clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unordered_map>

using namespace fleet;
using namespace fleet::bench;

namespace {

QJsonArray g_results;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double timeMs(const std::function<void()> &f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

[[noreturn]] void fail(const QString &what)
{
    std::fprintf(stderr, "bench_inventory: %s\n", qUtf8Printable(what));
    std::exit(1);
}

// One line per figure: value, reference, ratio, and the target it is held to.
void report(const QString &name, double value, const QString &unit, double reference,
            const QString &referenceName, const QString &target, bool met)
{
    const double ratio = reference > 0 ? value / reference : 0;
    std::printf("%-34s %10.1f %-6s | %-26s %10.1f %-6s | ratio %6.2f | target %-22s %s\n",
                qUtf8Printable(name), value, qUtf8Printable(unit), qUtf8Printable(referenceName),
                reference, qUtf8Printable(unit), ratio, qUtf8Printable(target),
                met ? "met" : "MISSED");
    std::fflush(stdout);
    QJsonObject o;
    o.insert(QStringLiteral("figure"), name);
    o.insert(QStringLiteral("value"), value);
    o.insert(QStringLiteral("unit"), unit);
    o.insert(QStringLiteral("reference"), referenceName);
    o.insert(QStringLiteral("reference_value"), reference);
    o.insert(QStringLiteral("ratio"), ratio);
    o.insert(QStringLiteral("target"), target);
    o.insert(QStringLiteral("met"), met);
    g_results.append(o);
}

std::unique_ptr<Workspace> createWorkspace(const QString &path)
{
    QFile::remove(path);
    auto ws = Workspace::open(path);
    if (!ws)
        fail(ws.message());
    return std::move(ws.value());
}

// The reference: the same rows, already in memory, inserted with the SQLite C API and one
// prepared statement in one transaction, into a workspace with the same schema (indexes, FTS
// triggers) and the same pragmas. No parsing, no validation, no audit.
double bareInsertLoop(const QString &path, const InventoryDataset &data)
{
    createWorkspace(path).reset();
    sqlite3 *db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK)
        fail(QStringLiteral("cannot open %1").arg(path));
    sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA cache_size=-32768",
                 nullptr, nullptr, nullptr);
    const double ms = timeMs([&] {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        std::unordered_map<std::string, sqlite3_int64> sites;
        sqlite3_stmt *site = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO sites (name, time_zone) VALUES (?, ?)", -1, &site,
                           nullptr);
        sqlite3_stmt *ins = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO devices (uid, name, serial, vendor, model, hw_revision, "
                           "fw_version, mac, ip, hostname, connection, site_id, state, online, "
                           "health, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &ins, nullptr);
        // The schema indexes new devices for search from the application (no insert trigger),
        // so the reference does that too: the table is only usable with it.
        sqlite3_stmt *fts = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO device_search (rowid, uid, name, serial, vendor, model, "
                           "hostname, ip, mac, notes) VALUES (?,?,?,?,?,?,?,?,?,'')",
                           -1, &fts, nullptr);
        auto text = [](sqlite3_stmt *s, int i, const QByteArray &v) {
            sqlite3_bind_text(s, i, v.constData(), int(v.size()), SQLITE_STATIC);
        };
        for (const auto &r : data.rows()) {
            auto it = sites.find(r.site.toStdString());
            if (it == sites.end()) {
                text(site, 1, r.site);
                text(site, 2, r.timeZone);
                sqlite3_step(site);
                sqlite3_reset(site);
                it = sites.emplace(r.site.toStdString(), sqlite3_last_insert_rowid(db)).first;
            }
            text(ins, 1, r.uid);
            text(ins, 2, r.name);
            text(ins, 3, r.serial);
            text(ins, 4, r.vendor);
            text(ins, 5, r.model);
            text(ins, 6, r.hwRevision);
            text(ins, 7, r.fwVersion);
            text(ins, 8, r.mac);
            text(ins, 9, r.ip);
            text(ins, 10, r.hostname);
            text(ins, 11, r.connection);
            sqlite3_bind_int64(ins, 12, it->second);
            text(ins, 13, r.state);
            sqlite3_bind_int(ins, 14, r.online ? 1 : 0);
            text(ins, 15, r.health);
            sqlite3_bind_int64(ins, 16, r.lastSeenMs);
            if (sqlite3_step(ins) != SQLITE_DONE)
                fail(QString::fromUtf8(sqlite3_errmsg(db)));
            sqlite3_reset(ins);
            sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(db));
            text(fts, 2, r.uid);
            text(fts, 3, r.name);
            text(fts, 4, r.serial);
            text(fts, 5, r.vendor);
            text(fts, 6, r.model);
            text(fts, 7, r.hostname);
            text(fts, 8, r.ip);
            text(fts, 9, r.mac);
            if (sqlite3_step(fts) != SQLITE_DONE)
                fail(QString::fromUtf8(sqlite3_errmsg(db)));
            sqlite3_reset(fts);
        }
        sqlite3_finalize(fts);
        sqlite3_finalize(ins);
        sqlite3_finalize(site);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    });
    sqlite3_close(db);
    return ms;
}

// The same count + first page the table runs, straight through sqlite3 with no wrapper.
double bareQueryMs(sqlite3 *db, const DeviceQuery::Statement &count,
                   const DeviceQuery::Statement &page)
{
    return timeMs([&] {
        for (const DeviceQuery::Statement *st : {&count, &page}) {
            const QVariantList &binds = st->binds;
            sqlite3_stmt *s = nullptr;
            sqlite3_prepare_v2(db, st->sql.toUtf8().constData(), -1, &s, nullptr);
            QList<QByteArray> keep;
            for (int i = 0; i < binds.size(); ++i) {
                if (binds[i].typeId() == QMetaType::QString) {
                    keep << binds[i].toString().toUtf8();
                    sqlite3_bind_text(s, i + 1, keep.last().constData(), -1, SQLITE_STATIC);
                } else {
                    sqlite3_bind_int64(s, i + 1, binds[i].toLongLong());
                }
            }
            while (sqlite3_step(s) == SQLITE_ROW) {
            }
            sqlite3_finalize(s);
        }
    });
}

struct QueryCase
{
    QString name;
    DeviceFilter filter;
    int sortColumn;
    bool descending;
};

qint64 peakChildRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return usage.ru_maxrss;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Fleetdesk inventory benchmark"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("devices"), QStringLiteral("Devices to load."),
                      QStringLiteral("N"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Repetitions per query figure."),
                      QStringLiteral("N"), QStringLiteral("7")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Folder for the workspaces."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("fleetdesk"),
                      QStringLiteral("fleetdesk binary, for the GUI memory figure."),
                      QStringLiteral("PATH"), QStringLiteral(FLEETDESK_PATH)});
    parser.addOption({QStringLiteral("no-gui"), QStringLiteral("Skip the GUI memory figure.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Write the figures as JSON here."),
                      QStringLiteral("FILE")});
    parser.process(app);

    const int devices = parser.value(QStringLiteral("devices")).toInt();
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());
    QTemporaryDir tmp;
    const QString dir =
        parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : tmp.path();
    QDir().mkpath(dir);

    std::printf("bench_inventory: %d devices, %d runs per query, in %s\n", devices, runs,
                qUtf8Printable(dir));
    const InventoryDataset data = InventoryDataset::generate(devices, 7);
    const QString csvPath = QDir(dir).filePath(QStringLiteral("devices.csv"));
    if (!data.writeCsv(csvPath))
        fail(QStringLiteral("cannot write %1").arg(csvPath));

    // --- Bulk import -----------------------------------------------------------------------
    const QString refPath = QDir(dir).filePath(QStringLiteral("reference.fleetdesk"));
    const double refMs = bareInsertLoop(refPath, data);
    const QString appPath = QDir(dir).filePath(QStringLiteral("imported.fleetdesk"));
    double importMs = 0;
    {
        auto ws = createWorkspace(appPath);
        AuditLog audit(ws->db(), SystemClock::instance(), Actor::current(QStringLiteral("bench")),
                       ws->auditHeadPath());
        CsvImporter::Options options;
        importMs = timeMs([&] {
            auto r = CsvImporter::import(ws->db(), audit, csvPath, options);
            if (!r)
                fail(r.message());
            if (!r->committed || r->created != devices)
                fail(QStringLiteral("import created %1 of %2 devices (%3 errors, first: %4)")
                         .arg(r->created)
                         .arg(devices)
                         .arg(r->errors.size())
                         .arg(r->errors.isEmpty() ? QString() : r->errors.first().message));
        });
    }
    const double refRate = devices / (refMs / 1000.0);
    const double appRate = devices / (importMs / 1000.0);
    report(QStringLiteral("bulk import (CSV, app path)"), appRate, QStringLiteral("rows/s"),
           refRate, QStringLiteral("bare prepared insert loop"),
           QStringLiteral(">= 0.6x reference"), appRate >= 0.6 * refRate);

    // --- Opening and the device table's queries -------------------------------------------
    sqlite3 *bare = nullptr;
    sqlite3_open_v2(appPath.toUtf8().constData(), &bare, SQLITE_OPEN_READONLY, nullptr);

    double quickCheckMs = 0;
    {
        auto ws = Workspace::open(appPath);
        if (!ws)
            fail(ws.message());
        quickCheckMs = timeMs([&] { (void)Workspace::check(ws.value()->db(), false); });
    }
    std::printf("%-34s %10.1f ms\n", "quick_check of the whole file", quickCheckMs);

    // As the GUI opens it: the whole-file quick_check (timed above) runs after the first page.
    Workspace::OpenOptions openForTable;
    openForTable.deferIntegrityCheck = true;
    const QueryCase cases[] = {
        {QStringLiteral("first page (default sort)"), {}, DeviceColumns::Name, false},
        {QStringLiteral("facet filter (model)"),
         [&] {
             DeviceFilter f;
             f.models = {data.sampleModel()};
             return f;
         }(),
         DeviceColumns::Name, false},
        {QStringLiteral("text search"),
         [&] {
             DeviceFilter f;
             f.text = data.sampleSearch();
             return f;
         }(),
         DeviceColumns::Name, false},
        {QStringLiteral("sort by last seen"), {}, DeviceColumns::LastSeen, true},
    };

    for (const QueryCase &c : cases) {
        const DeviceQuery query(c.filter, c.sortColumn, c.descending);
        // The reference runs the very statements the query builds, bare: the ratio is the cost
        // of Fleetdesk's layers (and, for the first page, of opening the workspace).
        qint64 matching = -1;
        {
            auto conn = SqliteDatabase::open(appPath, SqliteDatabase::Access::ReadOnly);
            if (!conn)
                fail(conn.message());
            auto n = query.count(*conn.value());
            matching = n.ok() ? n.value() : -1;
        }
        const DeviceQuery::Statement countSt = query.countStatement();
        const DeviceQuery::Statement pageSt = query.pageStatement(0, 200, matching);
        std::vector<double> appTimes, refTimes;
        for (int run = 0; run < runs; ++run) {
            refTimes.push_back(bareQueryMs(bare, countSt, pageSt));
            const bool opening = &c == &cases[0];
            std::unique_ptr<SqliteDatabase> reader;
            if (!opening) {
                // The table's worker keeps its connection open between queries.
                auto opened = SqliteDatabase::open(appPath, SqliteDatabase::Access::ReadOnly);
                if (!opened)
                    fail(opened.message());
                reader = std::move(opened.value());
            }
            appTimes.push_back(timeMs([&] {
                std::unique_ptr<Workspace> ws;
                if (opening) {
                    // "Opening the workspace to the first page": the open is part of the figure.
                    auto opened = Workspace::open(appPath, openForTable);
                    if (!opened)
                        fail(opened.message());
                    ws = std::move(opened.value());
                }
                SqliteDatabase &conn = opening ? ws->db() : *reader;
                auto n = query.count(conn);
                auto rows = query.page(conn, 0, 200, n.ok() ? n.value() : -1);
                if (!n || !rows || rows->isEmpty())
                    fail(QStringLiteral("%1 failed: %2 %3")
                             .arg(c.name, n.message(), rows.message()));
            }));
        }
        const double appMs = median(appTimes);
        report(c.name, appMs, QStringLiteral("ms"), median(refTimes),
               QStringLiteral("same SQL, bare sqlite3"), QStringLiteral("<= 100 ms median"),
               appMs <= 100.0);
    }
    sqlite3_close(bare);

    // --- GUI peak memory ------------------------------------------------------------------
    const QString fleetdesk = parser.value(QStringLiteral("fleetdesk"));
    if (!parser.isSet(QStringLiteral("no-gui"))) {
        auto runGui = [&](const QString &workspace) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
            p.setProcessEnvironment(env);
            p.start(fleetdesk, {QStringLiteral("--workspace"), workspace,
                                QStringLiteral("--no-demo"), QStringLiteral("--screenshot"),
                                QDir(dir).filePath(QStringLiteral("shot.png"))});
            if (!p.waitForFinished(300000) || p.exitCode() != 0)
                fail(QStringLiteral("fleetdesk --screenshot failed: %1")
                         .arg(QString::fromUtf8(p.readAllStandardError())));
            return peakChildRssKb();
        };
        const QString emptyPath = QDir(dir).filePath(QStringLiteral("empty.fleetdesk"));
        createWorkspace(emptyPath).reset();
        const double emptyMb = double(runGui(emptyPath)) / 1024.0;
        const double fullMb = double(runGui(appPath)) / 1024.0;
        report(QStringLiteral("GUI peak memory"), fullMb, QStringLiteral("MB"), emptyMb,
               QStringLiteral("GUI on an empty workspace"), QStringLiteral("<= 300 MB"),
               fullMb <= 300.0);
    }

    if (parser.isSet(QStringLiteral("json"))) {
        QFile out(parser.value(QStringLiteral("json")));
        if (out.open(QIODevice::WriteOnly))
            out.write(QJsonDocument(g_results).toJson());
    }
    return 0;
}
