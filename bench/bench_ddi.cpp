// Update-server benchmark (issue #4), against Debian's nginx serving the same bytes over TLS
// on the same machine in the same run:
//   downloads: `--downloads` (50) concurrent HTTPS downloads of a `--size-mb` (16) MB artifact
//              by curl --parallel, through the DDI artifact resource (token checked, action
//              checked, bytes re-verified by the serve gate's cache) versus nginx serving the
//              file; throughput ratio, and the server's resident memory above idle;
//   polls:     `--devices` (10,000) devices with their own TargetToken polling over
//              `--connections` (100) keep-alive TLS connections for `--seconds`, versus nginx
//              answering a static file of the same size; requests/s and ratio.
// Each figure is the median of --repeat runs, reference and Fleetdesk alternating. The poll
// client runs in a child process (this binary with --poll-client) so it does not share the
// server's CPU time accounting.
//
//   bench_ddi [--devices 10000] [--downloads 50] [--size-mb 16] [--connections 100]
//             [--seconds 5] [--repeat 3] [--quick] [--no-assert]

#include "NginxReference.h"
#include "PollClient.h"
#include "audit/AuditLog.h"
#include "ddi/DdiCredentialStore.h"
#include "ddi/DdiServer.h"
#include "firmware/FirmwareCatalog.h"
#include "http/HttpServer.h"
#include "inventory/DeviceRepository.h"
#include "jobs/ReleaseAssigner.h"
#include "storage/Workspace.h"
#include "tls/ServerTlsIdentity.h"
#include "util/Clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>

using namespace fleet;
using namespace fleet::bench;

namespace {

constexpr double RequiredDownloadRatio = 0.5;
constexpr double MaxExtraMemoryMb = 64;

[[noreturn]] void fail(const QString &what)
{
    std::fprintf(stderr, "bench_ddi: %s\n", qUtf8Printable(what));
    std::fflush(stderr);
    std::_Exit(1);
}

void say(const QString &text)
{
    std::printf("%s\n", qUtf8Printable(text));
    std::fflush(stdout);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double residentMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

template<typename T> T must(Result<T> r, const char *what)
{
    if (!r)
        fail(QStringLiteral("%1: %2").arg(QLatin1String(what), r.message()));
    return std::move(r.value());
}

void must(const Status &s, const char *what)
{
    if (!s)
        fail(QStringLiteral("%1: %2").arg(QLatin1String(what), s.message()));
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Runs curl with `count` parallel downloads of `url`; returns the wall time in seconds and,
// while it runs, samples this process's resident memory into `peakMb`.
double curlDownloads(const QString &url, const QByteArray &authorization, int count,
                     qint64 expectedBytes, double *peakMb)
{
    QStringList args{QStringLiteral("--parallel"),
                     QStringLiteral("--parallel-immediate"),
                     QStringLiteral("--parallel-max"),
                     QString::number(count),
                     QStringLiteral("-k"),
                     QStringLiteral("-s"),
                     QStringLiteral("-S"),
                     QStringLiteral("--fail"),
                     QStringLiteral("-w"),
                     QStringLiteral("%{size_download}\\n")};
    if (!authorization.isEmpty())
        args << QStringLiteral("-H")
             << QStringLiteral("Authorization: %1").arg(QString::fromLatin1(authorization));
    for (int i = 0; i < count; ++i)
        args << QStringLiteral("-o") << QStringLiteral("/dev/null") << url;
    QProcess curl;
    QEventLoop loop;
    QTimer sample;
    QObject::connect(&sample, &QTimer::timeout, &loop,
                     [&] { *peakMb = std::max(*peakMb, residentMb()); });
    QObject::connect(&curl, &QProcess::finished, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    curl.start(QStringLiteral("curl"), args);
    if (!curl.waitForStarted(5000))
        fail(QStringLiteral("cannot start curl: %1").arg(curl.errorString()));
    sample.start(20);
    loop.exec();
    const double seconds = timer.nsecsElapsed() / 1e9;
    sample.stop();
    if (curl.exitCode() != 0)
        fail(QStringLiteral("curl failed: %1").arg(QString::fromUtf8(curl.readAllStandardError())));
    const QList<QByteArray> sizes = curl.readAllStandardOutput().trimmed().split('\n');
    if (sizes.size() != count)
        fail(QStringLiteral("curl reported %1 downloads instead of %2")
                 .arg(sizes.size())
                 .arg(count));
    for (const QByteArray &s : sizes)
        if (s.toLongLong() != expectedBytes)
            fail(QStringLiteral("a download had %1 bytes instead of %2")
                     .arg(QString::fromLatin1(s))
                     .arg(expectedBytes));
    return seconds;
}

// The poll load generator, run in a child process: reads "path\tauthorization" lines.
int pollClientMain(const QCommandLineParser &p)
{
    QFile file(p.value(QStringLiteral("requests")));
    if (!file.open(QIODevice::ReadOnly))
        return 2;
    QList<PollClient::Request> requests;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        const qsizetype tab = line.indexOf('\t');
        requests.append({line.left(tab), tab < 0 ? QByteArray() : line.mid(tab + 1)});
    }
    const auto r = PollClient::run(quint16(p.value(QStringLiteral("port")).toUInt()), requests,
                                   p.value(QStringLiteral("connections")).toInt(),
                                   p.value(QStringLiteral("seconds")).toDouble());
    std::printf("%lld %lld %.6f\n", static_cast<long long>(r.ok), static_cast<long long>(r.failed),
                r.seconds);
    return 0;
}

PollClient::Result runPollClient(quint16 port, const QString &requestsFile, int connections,
                                 double seconds)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--poll-client"), QStringLiteral("--port"), QString::number(port),
                 QStringLiteral("--requests"), requestsFile, QStringLiteral("--connections"),
                 QString::number(connections), QStringLiteral("--seconds"),
                 QString::number(seconds)});
    // The server runs on this process's threads; the parent's event loop must keep turning
    // for its listener while the child measures.
    QEventLoop loop;
    QObject::connect(&child, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(int(seconds * 1000) + 30000, &loop, &QEventLoop::quit);
    loop.exec();
    if (child.state() != QProcess::NotRunning) {
        child.kill();
        child.waitForFinished();
        fail(QStringLiteral("the poll client did not finish"));
    }
    const QList<QByteArray> parts = child.readAllStandardOutput().trimmed().split(' ');
    if (parts.size() != 3)
        fail(QStringLiteral("the poll client failed"));
    PollClient::Result r;
    r.ok = parts[0].toLongLong();
    r.failed = parts[1].toLongLong();
    r.seconds = parts[2].toDouble();
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    const auto opt = [&](const char *name, const char *help, const char *def) {
        p.addOption(QCommandLineOption(QLatin1String(name), QLatin1String(help),
                                       QStringLiteral("N"), QLatin1String(def)));
    };
    opt("devices", "Devices with their own token polling.", "10000");
    opt("downloads", "Concurrent downloads.", "50");
    opt("size-mb", "Artifact size in MB.", "16");
    opt("connections", "Keep-alive connections of the poll client.", "100");
    opt("seconds", "Length of each poll measurement.", "5");
    opt("repeat", "Runs per figure (median).", "3");
    opt("port", "(poll client) server port.", "0");
    opt("requests", "(poll client) request file.", "");
    p.addOption(QCommandLineOption(QStringLiteral("poll-client"), QStringLiteral("Internal.")));
    p.addOption(QCommandLineOption(QStringLiteral("quick"),
                                   QStringLiteral("A small run that checks the benchmark works.")));
    p.addOption(QCommandLineOption(QStringLiteral("no-assert"),
                                   QStringLiteral("Do not fail when a target is missed.")));
    p.process(app);
    if (p.isSet(QStringLiteral("poll-client")))
        return pollClientMain(p);

    const bool quick = p.isSet(QStringLiteral("quick"));
    const int devices = quick ? 200 : p.value(QStringLiteral("devices")).toInt();
    const int downloads = quick ? 5 : p.value(QStringLiteral("downloads")).toInt();
    const qint64 size = qint64(quick ? 2 : p.value(QStringLiteral("size-mb")).toInt()) << 20;
    const int connections = quick ? 10 : p.value(QStringLiteral("connections")).toInt();
    const double seconds = quick ? 0.5 : p.value(QStringLiteral("seconds")).toDouble();
    const int repeat = quick ? 1 : std::max(1, p.value(QStringLiteral("repeat")).toInt());
    if (NginxReference::binary().isEmpty())
        fail(QStringLiteral("nginx is not installed (scripts/bootstrap installs nginx-light)"));

    QTemporaryDir dir;
    const QString wsPath = dir.filePath(QStringLiteral("bench.fleetdesk"));
    auto ws = must(Workspace::open(wsPath), "workspace");
    SqliteDatabase &db = ws->db();
    AuditLog audit(db, SystemClock::instance(), Actor::current(QStringLiteral("bench")),
                   ws->auditHeadPath());

    // Devices, each with its own token.
    QStringList tokens;
    {
        SqliteTransaction tx(db);
        DeviceRepository repo(db);
        DdiCredentialStore credentials(db);
        for (int i = 0; i < devices; ++i) {
            Device d;
            d.uid = QStringLiteral("gw-%1").arg(i, 5, 10, QLatin1Char('0'));
            d.name = d.uid;
            d.model = QStringLiteral("GW-4000");
            d.fwVersion = QStringLiteral("1.0.0");
            d.connection = QStringLiteral("ddi");
            const auto id = must(repo.upsert(d), "device").id;
            tokens << must(credentials.issueTargetToken(id, 0), "token");
        }
        must(tx.commit(), "commit devices");
    }
    // A release of `size` random bytes, approved and assigned to the first device.
    const QString artifactSource = dir.filePath(QStringLiteral("artifact.bin"));
    {
        QByteArray bytes(size, Qt::Uninitialized);
        QRandomGenerator64 random(42);
        random.fillRange(reinterpret_cast<quint64 *>(bytes.data()), bytes.size() / 8);
        if (!writeFile(artifactSource, bytes))
            fail(QStringLiteral("cannot write the artifact"));
    }
    FirmwareCatalog catalog(db, audit, wsPath);
    FirmwareCatalog::ImportOptions import;
    FirmwareManifest manifest;
    manifest.name = QStringLiteral("bench");
    manifest.versionText = QStringLiteral("2.0.0");
    manifest.version = must(SemanticVersion::parse(manifest.versionText), "version");
    manifest.models = {QStringLiteral("GW-4000")};
    import.manifest = manifest;
    const auto imported = must(catalog.importFile(artifactSource, import), "import");
    must(catalog.signingKeys().create("bench passphrase"), "signing key");
    const Release release =
        must(catalog.approve(imported.release.id, QByteArray("bench passphrase")), "approve");
    ReleaseAssigner assigner(db, audit);
    AssignmentRequest assignment;
    assignment.releaseId = release.id;
    assignment.deviceIds = {1};
    assignment.origin = QStringLiteral("bench");
    const auto assigned = must(assigner.assign(assignment), "assign");
    if (assigned.assigned.size() != 1)
        fail(QStringLiteral("the release was not assigned"));

    // The server certificate (local CA), shared with nginx.
    ServerTlsIdentity identity(db, audit, wsPath);
    must(identity.ensure(), "server certificate");
    const auto loaded = must(identity.load(), "load certificate");
    const QString certPem = dir.filePath(QStringLiteral("server.pem"));
    const QString keyPem = dir.filePath(QStringLiteral("server.key"));
    QByteArray chainPem = loaded.certificate.toPem();
    for (const QSslCertificate &c : loaded.chain)
        chainPem += c.toPem();
    if (!writeFile(certPem, chainPem) || !writeFile(keyPem, loaded.key.toPem()))
        fail(QStringLiteral("cannot write the certificate for nginx"));

    DdiServer server(wsPath, SystemClock::instance());
    DdiServerOptions options;
    options.address = QHostAddress::LocalHost;
    options.port = 0;
    options.certificate = loaded.certificate;
    options.chain = loaded.chain;
    options.privateKey = loaded.key;
    options.service.pollInterval = std::chrono::seconds(60);
    must(server.start(options), "update server");
    const quint16 port = server.port();

    // What nginx serves: the same artifact bytes, and a poll answer of the real size.
    const QString www = dir.filePath(QStringLiteral("www"));
    QDir().mkpath(www);
    if (!QFile::copy(artifactSource, www + QStringLiteral("/artifact.bin")))
        fail(QStringLiteral("cannot copy the artifact for nginx"));
    const QString pollPath = QStringLiteral("/default/controller/v1/gw-00001");
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-k"), QStringLiteral("-s"), QStringLiteral("-H"),
                    QStringLiteral("Authorization: TargetToken ") + tokens.at(1),
                    QStringLiteral("https://127.0.0.1:%1%2").arg(port).arg(pollPath)});
        QEventLoop loop;
        QObject::connect(&curl, &QProcess::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const QByteArray answer = curl.readAllStandardOutput();
        if (!answer.startsWith('{'))
            fail(QStringLiteral("the poll answer is not JSON: %1").arg(QString::fromUtf8(answer)));
        writeFile(www + QStringLiteral("/poll.json"), answer);
    }
    NginxReference nginx;
    if (!nginx.start(www, certPem, keyPem))
        fail(nginx.errorString());

    // Downloads.
    const QString downloadUrl =
        QStringLiteral("https://127.0.0.1:%1/default/controller/v1/gw-00000/softwaremodules/%2/"
                       "artifacts/%3")
            .arg(port)
            .arg(release.id)
            .arg(release.fileName);
    const QByteArray auth = "TargetToken " + tokens.at(0).toLatin1();
    // One download first: the serve gate hashes the file once, as it would after import.
    double ignored = 0;
    curlDownloads(downloadUrl, auth, 1, size, &ignored);
    const double idleMb = residentMb();
    std::vector<double> oursMbps, nginxMbps;
    double peakMb = idleMb;
    for (int run = 0; run < repeat; ++run) {
        const double tn =
            curlDownloads(QStringLiteral("https://127.0.0.1:%1/artifact.bin").arg(nginx.port()), {},
                          downloads, size, &ignored);
        nginxMbps.push_back(downloads * double(size) / (1 << 20) / tn);
        const double to = curlDownloads(downloadUrl, auth, downloads, size, &peakMb);
        oursMbps.push_back(downloads * double(size) / (1 << 20) / to);
    }
    const double downloadRatio = median(oursMbps) / median(nginxMbps);
    const double extraMb = peakMb - idleMb;

    // Polls: every device its own token, round-robin over the connections.
    const QString ourRequests = dir.filePath(QStringLiteral("polls.txt"));
    const QString nginxRequests = dir.filePath(QStringLiteral("nginx-polls.txt"));
    {
        QByteArray ours, theirs;
        for (int i = 0; i < devices; ++i) {
            ours += QStringLiteral("/default/controller/v1/gw-%1\tTargetToken %2\n")
                        .arg(i, 5, 10, QLatin1Char('0'))
                        .arg(tokens.at(i))
                        .toLatin1();
            theirs += "/poll.json\t\n";
        }
        writeFile(ourRequests, ours);
        writeFile(nginxRequests, theirs);
    }
    std::vector<double> ourPolls, nginxPolls;
    qint64 pollFailures = 0;
    for (int run = 0; run < repeat; ++run) {
        const auto n = runPollClient(nginx.port(), nginxRequests, connections, seconds);
        nginxPolls.push_back(n.rate());
        const auto o = runPollClient(port, ourRequests, connections, seconds);
        ourPolls.push_back(o.rate());
        pollFailures += o.failed;
    }
    const double pollRatio = median(ourPolls) / median(nginxPolls);
    const auto counters = server.counters();
    server.stop();
    nginx.stop();

    say(QStringLiteral("bench_ddi: %1 devices, %2 x %3 MB downloads, %4 poll connections, %5 "
                       "run(s); reference %6")
            .arg(devices)
            .arg(downloads)
            .arg(size >> 20)
            .arg(connections)
            .arg(repeat)
            .arg(NginxReference::version()));
    say(QStringLiteral("downloads: Fleetdesk %1 MB/s, nginx %2 MB/s, ratio %3 (target >= %4) "
                       "%5")
            .arg(median(oursMbps), 0, 'f', 0)
            .arg(median(nginxMbps), 0, 'f', 0)
            .arg(downloadRatio, 0, 'f', 2)
            .arg(RequiredDownloadRatio)
            .arg(downloadRatio >= RequiredDownloadRatio ? QStringLiteral("met")
                                                        : QStringLiteral("MISSED")));
    say(QStringLiteral("memory: idle %1 MB, peak during downloads %2 MB, +%3 MB (target <= %4) "
                       "%5")
            .arg(idleMb, 0, 'f', 1)
            .arg(peakMb, 0, 'f', 1)
            .arg(extraMb, 0, 'f', 1)
            .arg(MaxExtraMemoryMb)
            .arg(extraMb <= MaxExtraMemoryMb ? QStringLiteral("met") : QStringLiteral("MISSED")));
    say(QStringLiteral("polls: Fleetdesk %1 requests/s (%2 devices, own tokens, SQLite look-ups), "
                       "nginx static file %3 requests/s, ratio %4; %5 failed")
            .arg(median(ourPolls), 0, 'f', 0)
            .arg(devices)
            .arg(median(nginxPolls), 0, 'f', 0)
            .arg(pollRatio, 0, 'f', 2)
            .arg(pollFailures));
    say(QStringLiteral("server counters: %1 requests, %2 2xx, %3 4xx, %4 5xx, %5 TLS failures")
            .arg(counters.requests)
            .arg(counters.responses2xx)
            .arg(counters.responses4xx)
            .arg(counters.responses5xx)
            .arg(counters.tlsFailures));
    if (p.isSet(QStringLiteral("no-assert")))
        return pollFailures == 0 ? 0 : 1;
    const bool met =
        downloadRatio >= RequiredDownloadRatio && extraMb <= MaxExtraMemoryMb && pollFailures == 0;
    return met ? 0 : 1;
}
