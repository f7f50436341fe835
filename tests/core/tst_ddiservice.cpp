// DdiService on a real workspace: authentication, the poll, the deployment, artifact download
// checks, every kind of feedback moving the job (with events, audit entries and the device's
// firmware version), cancellation asked for and confirmed or refused, configData into the
// inventory, and refusals with hawkBit's status codes.

#include "DdiFixture.h"
#include "ddi/DdiLiveness.h"
#include "ddi/DdiService.h"
#include "firmware/ArtifactServeGate.h"
#include "jobs/JobService.h"
#include "jobs/JobStore.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

using namespace fleet;
using fleet::test::column;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;

namespace {

struct Server
{
    explicit Server(DdiFixture &f)
        : gate(f.ws.path())
        , service(f.ws.db(), f.ws.clock(), gate, liveness, settings(), f.ws.path())
    {}
    static DdiServiceSettings settings()
    {
        DdiServiceSettings s;
        s.pollInterval = std::chrono::seconds(30);
        return s;
    }
    ArtifactServeGate gate;
    DdiLiveness liveness;
    DdiService service;
};

DdiRequest request(const QByteArray &method, const QString &path, const QString &token,
                   const QByteArray &body = {}, const QByteArray &scheme = "TargetToken")
{
    DdiRequest r;
    r.method = method;
    r.target = path.toUtf8();
    if (!token.isNull())
        r.authorization = scheme + ' ' + token.toLatin1();
    r.host = "updates.plant:8443";
    r.secure = true;
    r.body = body;
    r.peer = QStringLiteral("127.0.0.1:5555");
    return r;
}

QString base(const QString &uid = QStringLiteral("gw-7"))
{
    return QStringLiteral("/default/controller/v1/") + uid;
}

QByteArray feedbackBody(qint64 action, const char *execution, const char *finished,
                        const QStringList &details = {})
{
    QJsonObject status{{QStringLiteral("execution"), QLatin1String(execution)},
                       {QStringLiteral("result"),
                        QJsonObject{{QStringLiteral("finished"), QLatin1String(finished)}}}};
    if (!details.isEmpty())
        status.insert(QStringLiteral("details"), QJsonArray::fromStringList(details));
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), QString::number(action)},
                                     {QStringLiteral("status"), status}})
        .toJson(QJsonDocument::Compact);
}

qint64 assignOne(DdiFixture &f, qint64 release, const QString &uid = QStringLiteral("gw-7"))
{
    auto outcome = f.assign(release, {uid});
    if (!outcome || outcome->assigned.size() != 1)
        qFatal("assign failed: %s",
               qPrintable(outcome.ok() ? QStringLiteral("refused") : outcome.message()));
    return outcome->assigned.first().row;
}

QString jobState(DdiFixture &f, qint64 row)
{
    return scalarOf(f.ws.db(), QStringLiteral("SELECT state FROM jobs WHERE id = ?"), {row})
        .toString();
}

} // namespace

class TestDdiService : public QObject
{
    Q_OBJECT

private slots:
    void refusesWithoutValidCredentials_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("authorization"); // "<none>" for no header
        QTest::addColumn<int>("status");
        QTest::newRow("no header") << base() << "<none>" << 401;
        QTest::newRow("unknown scheme") << base() << "Bearer abc" << 401;
        QTest::newRow("no token") << base() << "TargetToken" << 401;
        QTest::newRow("wrong token")
            << base() << "TargetToken aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" << 401;
        QTest::newRow("malformed token") << base() << "TargetToken ../../etc" << 401;
        QTest::newRow("other device's token") << base(QStringLiteral("gw-8")) << "<gw-7>" << 403;
        QTest::newRow("unknown controller with a device token")
            << base(QStringLiteral("nobody")) << "<gw-7>" << 403;
        QTest::newRow("gateway token for unknown controller")
            << base(QStringLiteral("nobody")) << "<gateway>" << 404;
        QTest::newRow("device token used as gateway token") << base() << "<gw-7 as gateway>" << 401;
        QTest::newRow("wrong tenant")
            << QStringLiteral("/other/controller/v1/gw-7") << "<gw-7>" << 404;
        QTest::newRow("not a DDI path")
            << QStringLiteral("/default/rest/v1/targets") << "<gw-7>" << 404;
        QTest::newRow("encoded slash")
            << QStringLiteral("/default/controller/v1/gw-7%2F..") << "<gw-7>" << 404;
    }
    void refusesWithoutValidCredentials()
    {
        QFETCH(QString, path);
        QFETCH(QString, authorization);
        QFETCH(int, status);
        DdiFixture f;
        f.addDevice(QStringLiteral("gw-8"));
        DdiTokenService tokens(f.ws.db(), f.ws.session().audit());
        const QString gateway = tokens.issueGatewayToken(QStringLiteral("line 1"))->token;
        Server server(f);
        DdiRequest r = request("GET", path, {});
        if (authorization == QLatin1String("<gw-7>"))
            r.authorization = "TargetToken " + f.token(QStringLiteral("gw-7")).toLatin1();
        else if (authorization == QLatin1String("<gateway>"))
            r.authorization = "GatewayToken " + gateway.toLatin1();
        else if (authorization == QLatin1String("<gw-7 as gateway>"))
            r.authorization = "GatewayToken " + f.token(QStringLiteral("gw-7")).toLatin1();
        else if (authorization != QLatin1String("<none>"))
            r.authorization = authorization.toLatin1();
        const DdiReply reply = server.service.handle(r);
        QCOMPARE(reply.status, status);
        QVERIFY(!reply.text.isEmpty());
        if (status == 401) {
            QCOMPARE(reply.headers.size(), 1);
            QCOMPARE(reply.headers.first().first, QByteArray("WWW-Authenticate"));
        }
    }

    void gatewayTokenSpeaksForAnyKnownDevice()
    {
        DdiFixture f;
        DdiTokenService tokens(f.ws.db(), f.ws.session().audit());
        const QString gateway = tokens.issueGatewayToken(QStringLiteral("line 1"))->token;
        Server server(f);
        const DdiReply reply =
            server.service.handle(request("GET", base(), gateway, {}, "GatewayToken"));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.hasJson);
    }

    void tenantIsCaseInsensitive()
    {
        // rauc-hawkbit-updater's default tenant is "DEFAULT".
        DdiFixture f;
        Server server(f);
        const DdiReply reply = server.service.handle(request(
            "GET", QStringLiteral("/DEFAULT/controller/v1/gw-7"), f.token(QStringLiteral("gw-7"))));
        QCOMPARE(reply.status, 200);
    }

    void idlePollAsksForConfigDataAndNotesLiveness()
    {
        DdiFixture f;
        Server server(f);
        const DdiReply reply =
            server.service.handle(request("GET", base(), f.token(QStringLiteral("gw-7"))));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json.value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("polling"))
                     .toObject()
                     .value(QStringLiteral("sleep"))
                     .toString(),
                 QStringLiteral("00:00:30"));
        const QJsonObject links = reply.json.value(QStringLiteral("_links")).toObject();
        QVERIFY(!links.contains(QStringLiteral("deploymentBase")));
        QCOMPARE(
            links.value(QStringLiteral("configData")).toObject().value(QStringLiteral("href")),
            QStringLiteral("https://updates.plant:8443/default/controller/v1/gw-7/configData"));
        QCOMPARE(server.liveness.pending(), 1);
    }

    void wholeUpdateMovesJobDeviceAndAudit()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const qint64 action = assignOne(f, release);
        const QString token = f.token(QStringLiteral("gw-7"));
        Server server(f);

        const DdiReply poll = server.service.handle(request("GET", base(), token));
        QCOMPARE(poll.status, 200);
        const QString href = poll.json.value(QStringLiteral("_links"))
                                 .toObject()
                                 .value(QStringLiteral("deploymentBase"))
                                 .toObject()
                                 .value(QStringLiteral("href"))
                                 .toString();
        QVERIFY2(href.startsWith(QStringLiteral("https://updates.plant:8443") + base() +
                                 QStringLiteral("/deploymentBase/%1?c=").arg(action)),
                 qPrintable(href));
        QCOMPARE(jobState(f, action), QStringLiteral("created"));

        const DdiReply deployment = server.service.handle(
            request("GET", QUrl(href).path() + QLatin1Char('?') + QUrl(href).query(), token));
        QCOMPARE(deployment.status, 200);
        QCOMPARE(deployment.json.value(QStringLiteral("id")).toString(), QString::number(action));
        const QJsonObject chunk = deployment.json.value(QStringLiteral("deployment"))
                                      .toObject()
                                      .value(QStringLiteral("chunks"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(chunk.value(QStringLiteral("version")).toString(), QStringLiteral("2.5.0"));
        const QJsonObject artifact =
            chunk.value(QStringLiteral("artifacts")).toArray().first().toObject();
        QCOMPARE(jobState(f, action), QStringLiteral("sent"));

        // The hashes in the deployment are those of the bytes served.
        const QString download = artifact.value(QStringLiteral("_links"))
                                     .toObject()
                                     .value(QStringLiteral("download"))
                                     .toObject()
                                     .value(QStringLiteral("href"))
                                     .toString();
        const DdiReply file = server.service.handle(request("GET", QUrl(download).path(), token));
        QCOMPARE(file.status, 200);
        QVERIFY(file.file);
        const QByteArray bytes = file.file->readAll();
        QCOMPARE(qint64(bytes.size()), file.fileSize);
        QCOMPARE(double(bytes.size()), artifact.value(QStringLiteral("size")).toDouble());
        const QJsonObject hashes = artifact.value(QStringLiteral("hashes")).toObject();
        QCOMPARE(hashes.value(QStringLiteral("sha256")).toString().toLatin1(),
                 QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        QCOMPARE(hashes.value(QStringLiteral("sha1")).toString().toLatin1(),
                 QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex());
        QCOMPARE(hashes.value(QStringLiteral("md5")).toString().toLatin1(),
                 QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
        const DdiReply md5 = server.service.handle(
            request("GET", QUrl(download).path() + QStringLiteral(".MD5SUM"), token));
        QCOMPARE(md5.status, 200);
        QVERIFY(
            md5.text.startsWith(hashes.value(QStringLiteral("md5")).toString().toLatin1() + "  "));

        const QString feedback = base() + QStringLiteral("/deploymentBase/%1/feedback").arg(action);
        QCOMPARE(server.service
                     .handle(request("POST", feedback, token,
                                     feedbackBody(action, "proceeding", "none",
                                                  {QStringLiteral("Installing Update Chunk "
                                                                  "Artifacts.")})))
                     .status,
                 200);
        QCOMPARE(jobState(f, action), QStringLiteral("installing"));
        QCOMPARE(
            server.service
                .handle(request("POST", feedback, token, feedbackBody(action, "closed", "success")))
                .status,
            200);
        QCOMPARE(jobState(f, action), QStringLiteral("succeeded"));
        QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT fw_version || '<' || fw_previous FROM "
                                                  "devices WHERE uid = 'gw-7'")),
                 QStringList{QStringLiteral("2.5.0<2.4.1")});
        QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT from_version || '>' || to_version FROM "
                                                  "firmware_history h JOIN devices d ON d.id = "
                                                  "h.device_id WHERE d.uid = 'gw-7'")),
                 QStringList{QStringLiteral("2.4.1>2.5.0")});
        QCOMPARE(column(f.ws.db(),
                        QStringLiteral("SELECT state FROM job_events WHERE job_row = "
                                       "? ORDER BY id"),
                        {action}),
                 (QStringList{QStringLiteral("created"), QStringLiteral("sent"),
                              QStringLiteral("installing"), QStringLiteral("succeeded")}));
        QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT operator || ':' || json_extract("
                                                  "after_json, '$.state') FROM audit_log WHERE "
                                                  "action = 'ddi.feedback' ORDER BY seq")),
                 (QStringList{QStringLiteral("device gw-7:installing"),
                              QStringLiteral("device gw-7:succeeded")}));

        // Afterwards: nothing more to do, and the finished action takes no feedback.
        const DdiReply after = server.service.handle(request("GET", base(), token));
        QVERIFY(!after.json.value(QStringLiteral("_links"))
                     .toObject()
                     .contains(QStringLiteral("deploymentBase")));
        QCOMPARE(
            server.service
                .handle(request("POST", feedback, token, feedbackBody(action, "closed", "failure")))
                .status,
            410);
        QCOMPARE(server.service.handle(request("GET", QUrl(download).path(), token)).status, 404);
    }

    void feedbackMapsToJobStates_data()
    {
        QTest::addColumn<QByteArray>("execution");
        QTest::addColumn<QByteArray>("finished");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("state");
        QTest::newRow("scheduled")
            << QByteArray("scheduled") << QByteArray("none") << 200 << "queued";
        QTest::newRow("download") << QByteArray("download") << QByteArray("none") << 200
                                  << "downloading";
        QTest::newRow("downloaded")
            << QByteArray("downloaded") << QByteArray("none") << 200 << "downloaded";
        QTest::newRow("resumed") << QByteArray("resumed") << QByteArray("none") << 200
                                 << "installing";
        QTest::newRow("closed failure")
            << QByteArray("closed") << QByteArray("failure") << 200 << "failed";
        QTest::newRow("closed none")
            << QByteArray("closed") << QByteArray("none") << 200 << "failed";
        QTest::newRow("rejected") << QByteArray("rejected") << QByteArray("none") << 200
                                  << "rejected";
        QTest::newRow("canceled is for cancelAction")
            << QByteArray("canceled") << QByteArray("none") << 409 << "created";
        QTest::newRow("unknown execution")
            << QByteArray("exploded") << QByteArray("none") << 400 << "created";
    }
    void feedbackMapsToJobStates()
    {
        QFETCH(QByteArray, execution);
        QFETCH(QByteArray, finished);
        QFETCH(int, status);
        QFETCH(QString, state);
        DdiFixture f;
        const qint64 action = assignOne(f, f.addRelease(2, 5, 0));
        Server server(f);
        const DdiReply reply = server.service.handle(
            request("POST", base() + QStringLiteral("/deploymentBase/%1/feedback").arg(action),
                    f.token(QStringLiteral("gw-7")),
                    feedbackBody(action, execution.constData(), finished.constData(),
                                 {QStringLiteral("No suitable .swu image found")})));
        QCOMPARE(reply.status, status);
        QCOMPARE(jobState(f, action), state);
        if (state == QLatin1String("failed"))
            QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT reason FROM jobs WHERE id = ?"),
                              {action})
                         .toString(),
                     QStringLiteral("No suitable .swu image found"));
        // A failed update leaves the version alone.
        QCOMPARE(
            scalarOf(f.ws.db(), QStringLiteral("SELECT fw_version FROM devices WHERE uid = 'gw-7'"))
                .toString(),
            QStringLiteral("2.4.1"));
    }

    void refusesBadRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path"); // %1 = gw-7's action, %2 = gw-8's action
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QString fb = base() + QStringLiteral("/deploymentBase/%1/feedback");
        QTest::newRow("POST to the poll") << QByteArray("POST") << base() << QByteArray() << 405;
        QTest::newRow("GET feedback") << QByteArray("GET") << fb << QByteArray() << 405;
        QTest::newRow("bad JSON") << QByteArray("POST") << fb << QByteArray("{\"id\":") << 400;
        QTest::newRow("wrong type")
            << QByteArray("POST") << fb << QByteArray("{\"status\":{\"execution\":5}}") << 400;
        QTest::newRow("id of another action")
            << QByteArray("POST") << fb
            << QByteArray("{\"id\":\"999\",\"status\":{\"execution\":\"proceeding\",\"result\":{"
                          "\"finished\":\"none\"}}}")
            << 400;
        QTest::newRow("oversize body")
            << QByteArray("POST") << fb << QByteArray(70 * 1024, ' ') << 413;
        QTest::newRow("another device's action")
            << QByteArray("GET") << base() + QStringLiteral("/deploymentBase/%2") << QByteArray()
            << 404;
        QTest::newRow("feedback on another device's action")
            << QByteArray("POST") << base() + QStringLiteral("/deploymentBase/%2/feedback")
            << QByteArray("{\"status\":{\"execution\":\"closed\",\"result\":{\"finished\":"
                          "\"success\"}}}")
            << 404;
        QTest::newRow("unknown action")
            << QByteArray("GET") << base() + QStringLiteral("/deploymentBase/123456")
            << QByteArray() << 404;
        QTest::newRow("cancel not requested")
            << QByteArray("GET") << base() + QStringLiteral("/cancelAction/%1") << QByteArray()
            << 404;
        QTest::newRow("artifact of another module")
            << QByteArray("GET") << base() + QStringLiteral("/softwaremodules/999/artifacts/x.bin")
            << QByteArray() << 404;
        QTest::newRow("configData bad mode")
            << QByteArray("PUT") << base() + QStringLiteral("/configData")
            << QByteArray("{\"mode\":\"explode\",\"data\":{}}") << 400;
        QTest::newRow("installedBase")
            << QByteArray("GET") << base() + QStringLiteral("/installedBase/%1") << QByteArray()
            << 404;
    }
    void refusesBadRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        DdiFixture f;
        f.addDevice(QStringLiteral("gw-8"));
        const qint64 release = f.addRelease(2, 5, 0);
        const qint64 mine = assignOne(f, release);
        const qint64 theirs = assignOne(f, release, QStringLiteral("gw-8"));
        Server server(f);
        const qint64 auditBefore = f.ws.auditCount();
        const DdiReply reply = server.service.handle(
            request(method,
                    QString(path)
                        .replace(QStringLiteral("%1"), QString::number(mine))
                        .replace(QStringLiteral("%2"), QString::number(theirs)),
                    f.token(QStringLiteral("gw-7")), body));
        QCOMPARE(reply.status, status);
        QVERIFY(!reply.text.isEmpty());
        QCOMPARE(jobState(f, mine), QStringLiteral("created"));
        QCOMPARE(jobState(f, theirs), QStringLiteral("created"));
        QCOMPARE(f.ws.auditCount(), auditBefore);
    }

    void cancelIsRequestedThenConfirmed()
    {
        DdiFixture f;
        const qint64 action = assignOne(f, f.addRelease(2, 5, 0));
        const QString token = f.token(QStringLiteral("gw-7"));
        Server server(f);
        QCOMPARE(server.service
                     .handle(request(
                         "GET", base() + QStringLiteral("/deploymentBase/%1").arg(action), token))
                     .status,
                 200);
        const QString jobId =
            scalarOf(f.ws.db(), QStringLiteral("SELECT job_id FROM jobs WHERE id = ?"), {action})
                .toString();
        JobService jobs(f.ws.db(), f.ws.session().audit());
        auto requested = jobs.cancel(jobId, QStringLiteral("wrong release"));
        QVERIFY2(requested.ok(), qPrintable(requested.message()));
        QCOMPARE(requested->state, QStringLiteral("sent")); // not cancelled until confirmed
        QVERIFY(requested->cancelRequestedMs.has_value());

        const DdiReply poll = server.service.handle(request("GET", base(), token));
        const QJsonObject links = poll.json.value(QStringLiteral("_links")).toObject();
        QVERIFY(!links.contains(QStringLiteral("deploymentBase")));
        QVERIFY(links.value(QStringLiteral("cancelAction"))
                    .toObject()
                    .value(QStringLiteral("href"))
                    .toString()
                    .endsWith(QStringLiteral("/cancelAction/%1").arg(action)));
        const DdiReply cancel = server.service.handle(
            request("GET", base() + QStringLiteral("/cancelAction/%1").arg(action), token));
        QCOMPARE(cancel.status, 200);
        QCOMPARE(cancel.json.value(QStringLiteral("cancelAction"))
                     .toObject()
                     .value(QStringLiteral("stopId"))
                     .toString(),
                 QString::number(action));
        QCOMPARE(server.service
                     .handle(request(
                         "POST", base() + QStringLiteral("/cancelAction/%1/feedback").arg(action),
                         token, feedbackBody(action, "canceled", "success")))
                     .status,
                 200);
        QCOMPARE(jobState(f, action), QStringLiteral("cancelled"));
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE action "
                                                    "IN ('job.cancel-request', "
                                                    "'ddi.cancel-feedback')"))
                     .toInt(),
                 2);
    }

    void refusedCancelLetsTheActionGoOn()
    {
        DdiFixture f;
        const qint64 action = assignOne(f, f.addRelease(2, 5, 0));
        const QString token = f.token(QStringLiteral("gw-7"));
        Server server(f);
        server.service.handle(
            request("GET", base() + QStringLiteral("/deploymentBase/%1").arg(action), token));
        JobService jobs(f.ws.db(), f.ws.session().audit());
        const QString jobId =
            scalarOf(f.ws.db(), QStringLiteral("SELECT job_id FROM jobs WHERE id = ?"), {action})
                .toString();
        QVERIFY(jobs.cancel(jobId, QStringLiteral("try")).ok());
        QVERIFY(!jobs.cancel(jobId, QStringLiteral("again")).ok()); // already asked
        QCOMPARE(server.service
                     .handle(request(
                         "POST", base() + QStringLiteral("/cancelAction/%1/feedback").arg(action),
                         token, feedbackBody(action, "rejected", "none")))
                     .status,
                 200);
        QCOMPARE(jobState(f, action), QStringLiteral("sent"));
        const DdiReply poll = server.service.handle(request("GET", base(), token));
        QVERIFY(poll.json.value(QStringLiteral("_links"))
                    .toObject()
                    .contains(QStringLiteral("deploymentBase")));
        // With no cancel pending, cancel feedback is a contradiction.
        QCOMPARE(server.service
                     .handle(request(
                         "POST", base() + QStringLiteral("/cancelAction/%1/feedback").arg(action),
                         token, feedbackBody(action, "canceled", "success")))
                     .status,
                 409);
    }

    void cancelBeforeTheDeviceWasToldIsImmediate()
    {
        DdiFixture f;
        const qint64 action = assignOne(f, f.addRelease(2, 5, 0));
        JobService jobs(f.ws.db(), f.ws.session().audit());
        const QString jobId =
            scalarOf(f.ws.db(), QStringLiteral("SELECT job_id FROM jobs WHERE id = ?"), {action})
                .toString();
        QCOMPARE(jobs.cancel(jobId, QStringLiteral("not now"))->state, QStringLiteral("cancelled"));
        Server server(f);
        const DdiReply poll =
            server.service.handle(request("GET", base(), f.token(QStringLiteral("gw-7"))));
        QVERIFY(!poll.json.value(QStringLiteral("_links"))
                     .toObject()
                     .contains(QStringLiteral("deploymentBase")));
    }

    void configDataUpdatesInventory()
    {
        DdiFixture f;
        const QString token = f.token(QStringLiteral("gw-7"));
        Server server(f);
        const QString path = base() + QStringLiteral("/configData");
        QCOMPARE(server.service
                     .handle(request("PUT", path, token,
                                     "{\"mode\":\"merge\",\"data\":{\"hwRevision\":\"C\","
                                     "\"VIN\":\"JH4TB2H26CC000000\"}}"))
                     .status,
                 200);
        QCOMPARE(scalarOf(f.ws.db(),
                          QStringLiteral("SELECT hw_revision FROM devices WHERE uid = 'gw-7'"))
                     .toString(),
                 QStringLiteral("C"));
        QCOMPARE(server.service
                     .handle(request("PUT", path, token,
                                     "{\"mode\":\"remove\",\"data\":{\"VIN\":\"\"}}"))
                     .status,
                 200);
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT json FROM ddi_attributes")).toString(),
                 QStringLiteral("{\"hwRevision\":\"C\"}"));
        const DdiReply poll = server.service.handle(request("GET", base(), token));
        QVERIFY(!poll.json.value(QStringLiteral("_links"))
                     .toObject()
                     .contains(QStringLiteral("configData")));

        // What SWUpdate 2022.12 sends: no "mode" (merge), and values it does not escape.
        QCOMPARE(server.service
                     .handle(request("PUT", path, token,
                                     R"({ "id": "", "time": "20261124T225957", "status": { )"
                                     R"("result": { "finished": "success" }, "execution": )"
                                     R"("closed", "details" : [ "" ] }, "data" : {  "serialNo": )"
                                     R"("SN-42","hwRevision": "1.0" } })"))
                     .status,
                 200);
        QCOMPARE(scalarOf(f.ws.db(),
                          QStringLiteral("SELECT hw_revision FROM devices WHERE uid = 'gw-7'"))
                     .toString(),
                 QStringLiteral("1.0"));
        QCOMPARE(server.service
                     .handle(request("PUT", path, token, R"({ "data" : { "serial": "SN "7"" } })"))
                     .status,
                 400);
    }

    void artifactChangedOnDiskIsNotServed()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        assignOne(f, release);
        const QString token = f.token(QStringLiteral("gw-7"));
        Server server(f);
        const QString name =
            scalarOf(f.ws.db(), QStringLiteral("SELECT file_name FROM releases")).toString();
        const QString path =
            base() + QStringLiteral("/softwaremodules/%1/artifacts/%2").arg(release).arg(name);
        QCOMPARE(server.service.handle(request("GET", path, token)).status, 200);
        QCOMPARE(server.service.handle(request("HEAD", path, token)).status, 200);
        // Verified once (when the digests were first needed) and then reused.
        QCOMPARE(server.gate.fullHashCount(), quint64(1));
        QCOMPARE(
            server.service
                .handle(request(
                    "GET",
                    base() + QStringLiteral("/softwaremodules/%1/artifacts/other.bin").arg(release),
                    token))
                .status,
            404);

        const QString stored =
            ArtifactStore::directoryForWorkspace(f.ws.path()) + QLatin1Char('/') +
            scalarOf(f.ws.db(), QStringLiteral("SELECT sha256 FROM releases")).toString();
        QFile file(stored);
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(100));
        QCOMPARE(file.write("X", 1), qint64(1));
        file.close();
        const DdiReply tampered = server.service.handle(request("GET", path, token));
        QCOMPARE(tampered.status, 500);
        QVERIFY(!tampered.file);
        QVERIFY(tampered.text.contains("changed on disk"));
        QCOMPARE(server.gate.fullHashCount(), quint64(2));
    }

    void mqttDevicesDownloadThroughSignedLinks_data()
    {
        QTest::addColumn<QString>("change"); // what is wrong with the link, if anything
        QTest::addColumn<int>("status");
        QTest::newRow("valid") << QString() << 200;
        QTest::newRow("altered mac") << "mac" << 403;
        QTest::newRow("another device's name") << "device" << 403;
        QTest::newRow("no mac") << "no-mac" << 403;
        QTest::newRow("other file name") << "file" << 404;
        QTest::newRow("job finished") << "finished" << 404;
        QTest::newRow("POST") << "post" << 405;
    }
    void mqttDevicesDownloadThroughSignedLinks()
    {
        QFETCH(QString, change);
        QFETCH(int, status);
        DdiFixture f;
        Device mqtt = fleet::test::TestWorkspace::makeDevice(QStringLiteral("mq-1"));
        QVERIFY(InventoryService(f.ws.db(), f.ws.session().audit()).saveDevice(mqtt).ok());
        const qint64 release = f.addRelease(2, 5, 0);
        AssignmentRequest assignment;
        assignment.releaseId = release;
        assignment.deviceIds = {f.deviceId(QStringLiteral("mq-1"))};
        assignment.artifactBaseUrl = QUrl(QStringLiteral("https://updates.plant:8443"));
        auto outcome = ReleaseAssigner(f.ws.db(), f.ws.session().audit()).assign(assignment);
        QVERIFY2(outcome.ok(), qPrintable(outcome.message()));
        const Job job = outcome->assigned.first();
        QCOMPARE(job.transport, QStringLiteral("mqtt"));
        const QJsonObject payload = QJsonDocument::fromJson(job.payload).object();
        QUrl url(payload.value(QStringLiteral("artifact"))
                     .toObject()
                     .value(QStringLiteral("url"))
                     .toString());
        QVERIFY2(url.toString().startsWith(QStringLiteral("https://updates.plant:8443/default/"
                                                          "artifacts/%1/")
                                               .arg(release)),
                 qPrintable(url.toString()));
        QUrlQuery query(url);
        if (change == QLatin1String("mac")) {
            QString k = query.queryItemValue(QStringLiteral("k"));
            k[0] = k[0] == QLatin1Char('0') ? QLatin1Char('1') : QLatin1Char('0');
            query.removeQueryItem(QStringLiteral("k"));
            query.addQueryItem(QStringLiteral("k"), k);
        } else if (change == QLatin1String("device")) {
            query.removeQueryItem(QStringLiteral("device"));
            query.addQueryItem(QStringLiteral("device"), QStringLiteral("gw-7"));
        } else if (change == QLatin1String("no-mac")) {
            query.removeQueryItem(QStringLiteral("k"));
        } else if (change == QLatin1String("file")) {
            url.setPath(url.path().section(QLatin1Char('/'), 0, -2) + QStringLiteral("/x.bin"));
        } else if (change == QLatin1String("finished")) {
            QVERIFY(JobService(f.ws.db(), f.ws.session().audit())
                        .cancel(job.jobId, QStringLiteral("test"))
                        .ok());
        }
        url.setQuery(query);
        Server server(f);
        const DdiReply reply = server.service.handle(request(
            change == QLatin1String("post") ? "POST" : "GET",
            url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded), {}));
        QCOMPARE(reply.status, status);
        QCOMPARE(bool(reply.file), status == 200);
        if (reply.file)
            QCOMPARE(reply.fileSize, payload.value(QStringLiteral("artifact"))
                                         .toObject()
                                         .value(QStringLiteral("size"))
                                         .toInteger());
    }

    void livenessFlushMarksOnlineAndSweepsSilentDevices()
    {
        DdiFixture f;
        f.addDevice(QStringLiteral("gw-8"));
        Server server(f);
        QVERIFY(f.ws.db()
                    .execute(QStringLiteral("UPDATE devices SET online = 0, last_seen = NULL"))
                    .ok());
        server.service.handle(request("GET", base(), f.token(QStringLiteral("gw-7"))));
        const qint64 now = f.ws.clock().nowMs();
        auto flushed = server.liveness.flush(f.ws.db(), now, 90000, false);
        QVERIFY(flushed.ok());
        QCOMPARE(flushed->seen, 1);
        QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT uid || ':' || online || ':' || "
                                                  "coalesce(last_seen, '-') FROM devices ORDER BY "
                                                  "uid")),
                 (QStringList{QStringLiteral("gw-7:1:%1").arg(now), QStringLiteral("gw-8:0:-")}));
        QCOMPARE(server.liveness.pending(), 0);
        auto swept = server.liveness.flush(f.ws.db(), now + 90001, 90000, true);
        QVERIFY(swept.ok());
        QCOMPARE(swept->wentOffline, 1);
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT online FROM devices WHERE uid = "
                                                    "'gw-7'"))
                     .toInt(),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestDdiService)
#include "tst_ddiservice.moc"
