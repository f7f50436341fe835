// Heartbeat ingest benchmark (issue #3): heartbeats from N simulated devices go through a real
// mosquitto into the workspace, end to end (first publish -> last message committed in
// SQLite), against a bare libmosquitto subscriber that only counts the same stream from the
// same broker in the same run. Also the GUI thread's longest stall while ingest runs on its
// worker thread. Each figure is the median of --repeat runs; reference and application runs
// alternate so that both see the same machine.
//
//   bench_ingest [--devices 100000] [--messages 300000] [--qos 0|1|both] [--repeat 3]
//                [--inflight 100] [--max-queued 0] [--dir DIR] [--json FILE] [--quick]
//                [--no-assert]

#include "BareSubscriber.h"
#include "BenchBroker.h"
#include "HeartbeatPublisher.h"
#include "IngestWorker.h"
#include "StallProbe.h"
#include "inventory/DeviceRepository.h"
#include "storage/Workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <thread>

using namespace fleet;
using namespace fleet::bench;

namespace {

constexpr double RequiredRate = 33000; // twice 1M devices heart-beating every 60 s
constexpr double MaxStallMs = 50;
constexpr int IdleTimeoutMs = 5000; // no progress this long after the last publish: dropped

struct Measurement
{
    double rate = 0; // messages/s
    qint64 delivered = 0;
    qint64 dropped = 0;
    double stallMs = 0;
    double seconds = 0;
    double cpuMicrosPerMessage = 0;       // of the ingest thread; 0 for the reference
    double writerCpuMicrosPerMessage = 0; // of the ingest's writer thread
    double publishedSeconds = 0;          // from the first publish: the last one was sent
    double receivedSeconds = 0;           // ... the last one was received by the ingest
};

[[noreturn]] void fail(const QString &what)
{
    std::fprintf(stderr, "bench_ingest: %s\n", qUtf8Printable(what));
    std::fflush(stderr);
    std::_Exit(1); // the broker dies with us (PR_SET_PDEATHSIG)
}

double seconds(SteadyTime from, SteadyTime to)
{
    return std::chrono::duration<double>(to - from).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// Runs the event loop of this (the GUI) thread until `done` or until nothing moved for
// IdleTimeoutMs after the publisher finished.
void waitUntil(const std::function<bool()> &done, const std::function<qint64()> &progress,
               const std::atomic<bool> &publisherFinished)
{
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(2);
    qint64 lastProgress = -1;
    QElapsedTimer idle;
    idle.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) {
            loop.quit();
            return;
        }
        const qint64 p = progress();
        if (p != lastProgress || !publisherFinished.load()) {
            lastProgress = p;
            idle.restart();
        } else if (idle.elapsed() > IdleTimeoutMs) {
            loop.quit();
        }
    });
    poll.start();
    loop.exec();
}

struct Bench
{
    quint16 port = 0;
    qint64 messages = 0;
    int devices = 0;
    HeartbeatPublisher *publisher = nullptr;
    Workspace *workspace = nullptr;
    StallProbe probe;
    QString publishError;
    bool writerThread = true;

    // Starts the publisher on its own thread; `finished` turns true when it is done.
    std::thread publish(int qos, std::atomic<bool> &finished)
    {
        finished.store(false);
        return std::thread([this, qos, &finished] {
            QString error;
            if (!publisher->publish(messages, qos, &error))
                publishError = error;
            finished.store(true);
        });
    }

    Measurement runBare(int qos)
    {
        BareSubscriber subscriber;
        QString error;
        if (!subscriber.start(port, "fleet/v1/devices/+/heartbeat", qos, &error))
            fail(error);
        std::atomic<bool> finished{false};
        probe.start();
        std::thread t = publish(qos, finished);
        waitUntil([&] { return subscriber.received() >= messages; },
                  [&] { return subscriber.received(); }, finished);
        probe.stop();
        t.join();
        if (!publishError.isEmpty())
            fail(publishError);
        subscriber.stop();
        Measurement m;
        m.delivered = subscriber.received();
        m.dropped = messages - m.delivered;
        m.seconds = seconds(subscriber.firstAt(), subscriber.lastAt());
        m.rate = m.seconds > 0 ? double(m.delivered - 1) / m.seconds : 0;
        m.stallMs = probe.maxStallMs();
        return m;
    }

    Measurement runApp(int qos, qint64 *devicesUpdated)
    {
        QThread thread;
        thread.setObjectName(QStringLiteral("ingest"));
        auto *worker = new IngestWorker(*workspace, port, qos, writerThread);
        worker->moveToThread(&thread);
        thread.start();
        // The GUI thread hears of every batch, as the device table's model does.
        qint64 changedSeen = 0;
        QObject receiver;
        QObject::connect(
            worker, &IngestWorker::batchCommitted, &receiver,
            [&changedSeen](int, const QList<qint64> &ids) { changedSeen += ids.size(); });
        bool ready = false;
        QString error;
        QEventLoop loop;
        QObject::connect(worker, &IngestWorker::ready, &loop, [&] {
            ready = true;
            loop.quit();
        });
        QObject::connect(worker, &IngestWorker::failed, &loop, [&](const QString &e) {
            if (!ready) {
                error = e;
                loop.quit();
            }
        });
        QTimer::singleShot(10000, &loop, [&] {
            error = QStringLiteral("the ingest did not subscribe within 10 s");
            loop.quit();
        });
        worker->setTarget(messages);
        const qint64 startWallMs = QDateTime::currentMSecsSinceEpoch();
        QMetaObject::invokeMethod(worker, &IngestWorker::start, Qt::QueuedConnection);
        loop.exec();
        if (!ready)
            fail(QStringLiteral("Fleetdesk path: %1").arg(error));

        std::atomic<bool> finished{false};
        probe.start();
        std::thread t = publish(qos, finished);
        waitUntil([&] { return worker->committed() >= messages; },
                  [&] { return worker->committed() + worker->received(); }, finished);
        probe.stop();
        t.join();
        if (!publishError.isEmpty())
            fail(publishError);
        Measurement m;
        m.delivered = worker->committed();
        m.dropped = messages - worker->received();
        m.stallMs = probe.maxStallMs();
        if (m.delivered >= messages) {
            m.seconds = seconds(publisher->firstPublishAt(), worker->doneAt());
            m.rate = double(m.delivered) / m.seconds;
            m.cpuMicrosPerMessage = worker->cpuSeconds() * 1e6 / double(m.delivered);
            m.writerCpuMicrosPerMessage = worker->writerCpuSeconds() * 1e6 / double(m.delivered);
            m.publishedSeconds = seconds(publisher->firstPublishAt(), publisher->lastPublishAt());
            m.receivedSeconds = seconds(publisher->firstPublishAt(), worker->receivedAllAt());
        }
        if (worker->rejected() > 0 || worker->duplicates() > 0)
            std::printf("  note: the ingest rejected %lld and dropped %lld duplicates\n",
                        static_cast<long long>(worker->rejected()),
                        static_cast<long long>(worker->duplicates()));
        QMetaObject::invokeMethod(worker, &IngestWorker::stop, Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(
            worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        // Not timed: the heartbeats really are in the inventory.
        auto updated = workspace->db().scalar(
            QStringLiteral("SELECT count(*) FROM devices WHERE last_seen >= ? AND online = 1"),
            {startWallMs});
        *devicesUpdated = updated ? updated->toLongLong() : -1;
        return m;
    }
};

QStringList registerDevices(Workspace &workspace, int count)
{
    QStringList uids;
    uids.reserve(count);
    DeviceRepository repository(workspace.db());
    SqliteTransaction tx(workspace.db());
    if (!tx.beginStatus())
        fail(tx.beginStatus().message());
    for (int i = 0; i < count; ++i) {
        Device d;
        d.uid = QStringLiteral("bench-%1").arg(i, 7, 10, QLatin1Char('0'));
        d.name = d.uid;
        d.model = QStringLiteral("NW-EG4100");
        d.fwVersion = QStringLiteral("4.4.2");
        d.connection = QStringLiteral("mqtt");
        d.state = QStringLiteral("active");
        if (auto r = repository.upsert(d); !r)
            fail(r.message());
        uids << d.uid;
    }
    if (Status s = tx.commit(); !s)
        fail(s.message());
    return uids;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Heartbeat ingest over MQTT against a bare libmosquitto subscriber."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("devices"), QStringLiteral("Simulated devices."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("messages"), QStringLiteral("Heartbeats per measurement."),
                      QStringLiteral("n"), QStringLiteral("300000")});
    parser.addOption({QStringLiteral("qos"), QStringLiteral("0, 1 or both."), QStringLiteral("qos"),
                      QStringLiteral("both")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Runs per figure (median)."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("inflight"),
                      QStringLiteral("Publisher's QoS 1 window, and the broker's per client."),
                      QStringLiteral("n"), QStringLiteral("100")});
    parser.addOption({QStringLiteral("max-queued"),
                      QStringLiteral("Broker max_queued_messages (0 = no limit)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Folder for the workspace."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Write the figures as JSON here."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("quick"),
                      QStringLiteral("1,000 devices, 2,000 messages, one run (a smoke test).")});
    parser.addOption(
        {QStringLiteral("no-assert"), QStringLiteral("Exit 0 even when a target is missed.")});
    parser.addOption({QStringLiteral("inline-writer"),
                      QStringLiteral("Write the batches on the ingest thread, without the writer "
                                     "thread (for comparison).")});
    parser.process(app);

    const bool quick = parser.isSet(QStringLiteral("quick"));
    const auto intOption = [&](const char *name, int quickValue) {
        const QString key = QLatin1String(name);
        if (quick && !parser.isSet(key))
            return quickValue;
        bool ok = false;
        const int v = parser.value(key).toInt(&ok);
        if (!ok || v < 0)
            fail(QStringLiteral("--%1 needs a non-negative number").arg(key));
        return v;
    };
    const int devices = intOption("devices", 1000);
    const qint64 messages = intOption("messages", 2000);
    const int repeat = std::max(1, intOption("repeat", 1));
    const int inflight = std::max(1, intOption("inflight", 100));
    const int maxQueued = intOption("max-queued", 0);
    QList<int> qosList;
    const QString qos = parser.value(QStringLiteral("qos"));
    if (qos == QLatin1String("0") || qos == QLatin1String("both"))
        qosList << 0;
    if (qos == QLatin1String("1") || qos == QLatin1String("both"))
        qosList << 1;
    if (qosList.isEmpty() || devices < 1 || messages < 2)
        fail(QStringLiteral("--qos is 0, 1 or both; --devices ≥ 1; --messages ≥ 2"));

    QTemporaryDir tempDir;
    const QString dir =
        parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : tempDir.path();
    const QString path = dir + QStringLiteral("/bench-ingest.fleetdesk");
    QFile::remove(path);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    auto opened = Workspace::open(path);
    if (!opened)
        fail(opened.message());
    Workspace &workspace = *opened.value();

    QElapsedTimer setup;
    setup.start();
    const QStringList uids = registerDevices(workspace, devices);
    std::printf("registered %d devices in %.1f s (not measured)\n", devices,
                double(setup.elapsed()) / 1000);

    BenchBroker broker({maxQueued, inflight});
    if (!broker.start())
        fail(broker.errorString());
    const QString version = BenchBroker::version();
    std::vector<QByteArray> uidBytes;
    uidBytes.reserve(size_t(devices));
    for (const QString &uid : uids)
        uidBytes.push_back(uid.toUtf8());
    HeartbeatPublisher publisher(std::move(uidBytes), inflight);
    QString error;
    if (!publisher.connectTo(broker.port(), &error))
        fail(error);

    Bench bench;
    bench.port = broker.port();
    bench.messages = messages;
    bench.devices = devices;
    bench.publisher = &publisher;
    bench.workspace = &workspace;
    bench.writerThread = !parser.isSet(QStringLiteral("inline-writer"));

    std::printf("%s, %d devices, %lld messages per run, %d run(s) each, QoS 1 window %d, "
                "broker max_queued_messages %d\n",
                qUtf8Printable(version), devices, static_cast<long long>(messages), repeat,
                inflight, maxQueued);
    std::printf("%-4s %-3s %12s %10s %10s %9s %9s %s\n", "QoS", "run", "path", "msg/s", "seconds",
                "dropped", "stall ms", "devices updated");

    bool allMet = true;
    // Timing aside, every run must have delivered every message and updated every device:
    // checked even with --no-assert, which is what the smoke test relies on.
    bool complete = true;
    QJsonArray results;
    struct Row
    {
        int qos;
        double bare, app, ratio, stall, bareStall;
        qint64 bareDropped, appDropped;
        bool met;
    };
    QList<Row> rows;
    for (int q : qosList) {
        std::vector<double> bareRates, appRates;
        double stall = 0, bareStall = 0;
        qint64 bareDropped = 0, appDropped = 0;
        for (int r = 0; r < repeat; ++r) {
            const Measurement bare = bench.runBare(q);
            std::printf("%-4d %-3d %12s %10.0f %10.2f %9lld %9.1f\n", q, r + 1, "bare", bare.rate,
                        bare.seconds, static_cast<long long>(bare.dropped), bare.stallMs);
            std::fflush(stdout);
            qint64 updated = 0;
            const Measurement appRun = bench.runApp(q, &updated);
            std::printf("%-4d %-3d %12s %10.0f %10.2f %9lld %9.1f %lld (CPU per message: ingest "
                        "thread %.1f µs, writer thread %.1f µs; last published at %.2f s, "
                        "received at %.2f s)\n",
                        q, r + 1, "fleetdesk", appRun.rate, appRun.seconds,
                        static_cast<long long>(appRun.dropped), appRun.stallMs,
                        static_cast<long long>(updated), appRun.cpuMicrosPerMessage,
                        appRun.writerCpuMicrosPerMessage, appRun.publishedSeconds,
                        appRun.receivedSeconds);
            std::fflush(stdout);
            complete = complete && bare.dropped == 0 && appRun.dropped == 0 &&
                       appRun.delivered >= messages &&
                       updated == std::min<qint64>(devices, messages);
            bareRates.push_back(bare.rate);
            appRates.push_back(appRun.rate);
            stall = std::max(stall, appRun.stallMs);
            bareStall = std::max(bareStall, bare.stallMs);
            bareDropped += bare.dropped;
            appDropped += appRun.dropped;
        }
        const double bareRate = median(bareRates);
        const double appRate = median(appRates);
        const double ratio = bareRate > 0 ? appRate / bareRate : 0;
        const double ratioTarget = q == 0 ? 0.5 : 0.8;
        const bool met = ratio >= ratioTarget && appRate >= RequiredRate && stall <= MaxStallMs &&
                         appDropped == 0;
        allMet = allMet && met;
        rows << Row{q, bareRate, appRate, ratio, stall, bareStall, bareDropped, appDropped, met};
        QJsonObject o;
        o.insert(QStringLiteral("qos"), q);
        o.insert(QStringLiteral("bare_msg_per_s"), bareRate);
        o.insert(QStringLiteral("fleetdesk_msg_per_s"), appRate);
        o.insert(QStringLiteral("ratio"), ratio);
        o.insert(QStringLiteral("ratio_target"), ratioTarget);
        o.insert(QStringLiteral("rate_target"), RequiredRate);
        o.insert(QStringLiteral("max_gui_stall_ms"), stall);
        o.insert(QStringLiteral("max_gui_stall_ms_during_bare"), bareStall);
        o.insert(QStringLiteral("dropped_bare"), bareDropped);
        o.insert(QStringLiteral("dropped_fleetdesk"), appDropped);
        o.insert(QStringLiteral("met"), met);
        results.append(o);
    }

    std::printf("\nmedians of %d run(s); ratio = Fleetdesk / bare subscriber, same broker, same "
                "run\n",
                repeat);
    std::printf("%-4s %12s %14s %7s %8s %11s %15s %15s %s\n", "QoS", "bare msg/s",
                "fleetdesk msg/s", "ratio", "target", "≥33k msg/s", "GUI stall ms", "dropped b/f",
                "");
    for (const Row &r : rows) {
        std::printf("%-4d %12.0f %15.0f %7.2f %8s %11s %8.1f (%4.1f) %9lld/%-5lld %s\n", r.qos,
                    r.bare, r.app, r.ratio, r.qos == 0 ? "≥ 0.5" : "≥ 0.8",
                    r.app >= RequiredRate ? "yes" : "no", r.stall, r.bareStall,
                    static_cast<long long>(r.bareDropped), static_cast<long long>(r.appDropped),
                    r.met ? "PASS" : "MISS");
    }
    std::printf("(GUI stall in brackets: the same probe while the bare subscriber ran)\n");

    if (parser.isSet(QStringLiteral("json"))) {
        QFile out(parser.value(QStringLiteral("json")));
        if (!out.open(QIODevice::WriteOnly))
            fail(QStringLiteral("Cannot write %1").arg(out.fileName()));
        QJsonObject root{{QStringLiteral("benchmark"), QStringLiteral("bench_ingest")},
                         {QStringLiteral("broker"), version},
                         {QStringLiteral("devices"), devices},
                         {QStringLiteral("messages"), messages},
                         {QStringLiteral("repeat"), repeat},
                         {QStringLiteral("results"), results}};
        out.write(QJsonDocument(root).toJson());
    }
    publisher.disconnect();
    broker.stop();
    if (!complete) {
        std::fprintf(stderr, "bench_ingest: messages were lost or devices not updated (see the "
                             "runs above)\n");
        return 2;
    }
    return allMet || parser.isSet(QStringLiteral("no-assert")) ? 0 : 1;
}
