// HttpServer streaming files: ranges and If-Range, resume, HEAD, a 20 MiB file to a reader that
// stops (the server's buffer stays bounded), a reader that never resumes, curl (libcurl is what
// SWUpdate uses) and closing the server mid-download. Nothing here measures time.

#include "http/HttpConnection.h"
#include "tst_httptestsupport.h"

#include <QStandardPaths>

using namespace fleet;
using namespace fleet::test;
using namespace std::chrono_literals;

class TestHttpFileServing : public QObject, protected HttpTestFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void ranges_data();
    void ranges();
    void resumeDownload();
    void headOfFile();
    void bigFileStreamsWithBoundedBuffering();
    void stalledReaderIsDropped();
    void curlDownloadsAndUploads();
    void closeWithOpenConnections();
    void fileShorterThanPromisedCutsTheConnection();
    void fileReplacedAfterOpeningIsNotServed();
};

void TestHttpFileServing::initTestCase()
{
    const QString error = prepare(true);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestHttpFileServing::init()
{
    resetHandler();
}

void TestHttpFileServing::cleanup()
{
    // Every handler call must have run on a worker thread, never on this one.
    if (m_server)
        QVERIFY(!m_handler->calledOnTestThread);
    m_server.reset();
}

void TestHttpFileServing::ranges_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<bool>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentRange");

    QTest::newRow("no range") << QByteArray() << false << 200 << QByteArray("0123456789")
                              << QByteArray();
    QTest::newRow("a-b") << QByteArray("Range: bytes=2-5\r\n") << false << 206 << QByteArray("2345")
                         << QByteArray("bytes 2-5/10");
    QTest::newRow("a-") << QByteArray("Range: bytes=7-\r\n") << false << 206 << QByteArray("789")
                        << QByteArray("bytes 7-9/10");
    QTest::newRow("-n") << QByteArray("Range: bytes=-4\r\n") << false << 206 << QByteArray("6789")
                        << QByteArray("bytes 6-9/10");
    QTest::newRow("-n beyond size") << QByteArray("Range: bytes=-40\r\n") << false << 206
                                    << QByteArray("0123456789") << QByteArray("bytes 0-9/10");
    QTest::newRow("end beyond size") << QByteArray("Range: bytes=8-100\r\n") << false << 206
                                     << QByteArray("89") << QByteArray("bytes 8-9/10");
    QTest::newRow("start at size") << QByteArray("Range: bytes=10-\r\n") << false << 416
                                   << QByteArray() << QByteArray("bytes */10");
    QTest::newRow("empty suffix") << QByteArray("Range: bytes=-0\r\n") << false << 416
                                  << QByteArray() << QByteArray("bytes */10");
    QTest::newRow("multi-range gives all") << QByteArray("Range: bytes=0-1,4-5\r\n") << false << 200
                                           << QByteArray("0123456789") << QByteArray();
    QTest::newRow("malformed ignored") << QByteArray("Range: bytes=x-y\r\n") << false << 200
                                       << QByteArray("0123456789") << QByteArray();
    QTest::newRow("other unit ignored") << QByteArray("Range: lines=1-2\r\n") << false << 200
                                        << QByteArray("0123456789") << QByteArray();
    QTest::newRow("if-range matches")
        << QByteArray("Range: bytes=0-0\r\nIf-Range: \"v1\"\r\n") << false << 206 << QByteArray("0")
        << QByteArray("bytes 0-0/10");
    QTest::newRow("if-range stale") << QByteArray("Range: bytes=0-0\r\nIf-Range: \"v0\"\r\n")
                                    << false << 200 << QByteArray("0123456789") << QByteArray();
    QTest::newRow("if-range date")
        << QByteArray("Range: bytes=0-0\r\nIf-Range: Tue, 24 Nov 2026 10:00:00 GMT\r\n") << false
        << 200 << QByteArray("0123456789") << QByteArray();
    QTest::newRow("head with range") << QByteArray("Range: bytes=2-5\r\n") << true << 206
                                     << QByteArray() << QByteArray("bytes 2-5/10");
}

void TestHttpFileServing::ranges()
{
    QFETCH(QByteArray, headers);
    QFETCH(bool, head);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentRange);
    QVERIFY(start(plainOptions()));
    TestClient client;
    client.connectTo(m_server->port());
    client.send(QByteArray(head ? "HEAD" : "GET") + " /small HTTP/1.1\r\n" + headers + "\r\n",
                {head});
    client.get("/hello"); // the connection stays usable and in step
    QTRY_COMPARE_WITH_TIMEOUT(client.responses.size(), 2, WaitMs);
    const ParsedResponse &response = client.responses[0];
    QCOMPARE(response.status, status);
    QCOMPARE(response.body, body);
    QCOMPARE(response.header("content-range"), contentRange);
    QCOMPARE(response.header("accept-ranges"), QByteArray("bytes"));
    QCOMPARE(response.header("etag"), QByteArray("\"v1\""));
    if (head)
        QCOMPARE(response.header("content-length"), QByteArray("4"));
    else
        QCOMPARE(response.header("content-length"), QByteArray::number(body.size()));
    QCOMPARE(client.responses[1].body, QByteArray("hello"));
}

void TestHttpFileServing::resumeDownload()
{
    QVERIFY(start(tlsOptions()));
    TestClient client({m_ca});
    client.connectTo(m_server->port());
    const qint64 cut = 7 * 1024 * 1024 + 123;
    client.get("/file", "Range: bytes=0-" + QByteArray::number(cut - 1) + "\r\n");
    client.get("/file", "Range: bytes=" + QByteArray::number(cut) + "-\r\nIf-Range: \"v1\"\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(client.responses.size(), 2, WaitMs * 3);
    QCOMPARE(client.responses[0].status, 206);
    QCOMPARE(client.responses[1].status, 206);
    QCOMPARE(client.responses[0].body.size(), cut);
    QCOMPARE(client.responses[1].header("content-range"),
             "bytes " + QByteArray::number(cut) + '-' + QByteArray::number(BigFileBytes - 1) + '/' +
                 QByteArray::number(BigFileBytes));
    const QByteArray whole = client.responses[0].body + client.responses[1].body;
    QCOMPARE(QCryptographicHash::hash(whole, QCryptographicHash::Sha256),
             sha256Of(path(QStringLiteral("big.bin"))));
}

void TestHttpFileServing::headOfFile()
{
    QVERIFY(start(tlsOptions()));
    TestClient client({m_ca});
    client.connectTo(m_server->port());
    client.send("HEAD /file HTTP/1.1\r\n\r\n", {true});
    client.get("/hello");
    QTRY_COMPARE_WITH_TIMEOUT(client.responses.size(), 2, WaitMs);
    const ParsedResponse &response = client.responses[0];
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-length"), QByteArray::number(BigFileBytes));
    QCOMPARE(response.header("accept-ranges"), QByteArray("bytes"));
    QCOMPARE(response.header("etag"), QByteArray("\"v1\""));
    QCOMPARE(response.header("content-type"), QByteArray("application/octet-stream"));
    QCOMPARE(client.responses[1].body, QByteArray("hello"));
    QVERIFY(m_server->counters().bytesSent < 4096);
}

void TestHttpFileServing::bigFileStreamsWithBoundedBuffering()
{
    QVERIFY(start(tlsOptions()));
    TestClient client({m_ca});
    client.setHashBodiesOnly(true);
    client.connectTo(m_server->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.isReady(), WaitMs);
    client.setPaused(true);
    client.get("/file");
    // The client reads nothing: the kernel's buffers fill, then the server's own buffer reaches
    // its threshold and the server stops reading the file.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->counters().peakStreamBufferedBytes >=
                                 quint64(HttpConnection::WriteHighWater),
                             WaitMs);
    const quint64 bound = HttpConnection::WriteHighWater + 2 * HttpConnection::ChunkBytes;
    QVERIFY2(m_server->counters().bytesSent < quint64(BigFileBytes) / 2,
             "the server pushed most of the file to a client that reads nothing");
    client.setPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(client.responses.size(), 1, WaitMs * 3);
    QCOMPARE(client.responses[0].status, 200);
    QCOMPARE(client.responses[0].bodySize, BigFileBytes);
    QCOMPARE(client.responses[0].bodySha256, sha256Of(path(QStringLiteral("big.bin"))));
    const quint64 peak = m_server->counters().peakStreamBufferedBytes;
    QVERIFY2(peak <= bound, qPrintable(QStringLiteral("peak %1 > bound %2").arg(peak).arg(bound)));
    QVERIFY(m_server->counters().bytesSent >= quint64(BigFileBytes));
}

void TestHttpFileServing::stalledReaderIsDropped()
{
    HttpServerOptions options = plainOptions();
    options.idleTimeout = 500ms;
    QVERIFY(start(options));
    TestClient client;
    client.connectTo(m_server->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.isReady(), WaitMs);
    client.setPaused(true);
    client.get("/file");
    QTRY_COMPARE_WITH_TIMEOUT(m_server->counters().timedOut, 1u, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->counters().openConnections, 0u, WaitMs);
}

void TestHttpFileServing::curlDownloadsAndUploads()
{
    // libcurl is what SWUpdate uses: its Expect: 100-continue, resume and TLS must work.
    const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    if (curl.isEmpty())
        QSKIP("curl is not installed");
    QVERIFY(start(tlsOptions()));
    const QString base = QStringLiteral("https://127.0.0.1:%1").arg(m_server->port());
    const auto runCurl = [&](const QStringList &arguments, QByteArray *output) {
        QProcess process;
        process.start(curl,
                      QStringList{QStringLiteral("--silent"), QStringLiteral("--show-error"),
                                  QStringLiteral("--cacert"), path(QStringLiteral("ca.crt"))} +
                          arguments);
        // Waiting with the event loop running: the server accepts on this thread.
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, WaitMs * 3);
        *output = process.readAllStandardOutput();
        if (process.exitCode() != 0)
            qWarning() << process.readAllStandardError();
        QCOMPARE(process.exitCode(), 0);
    };
    QByteArray output;
    const QString downloaded = path(QStringLiteral("curl-download.bin"));
    runCurl({QStringLiteral("--output"), downloaded, base + QStringLiteral("/file")}, &output);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(sha256Of(downloaded), sha256Of(path(QStringLiteral("big.bin"))));

    // Resume: cut the file and let curl continue where it stopped.
    {
        QFile partial(downloaded);
        QVERIFY(partial.resize(5 * 1024 * 1024 + 7));
    }
    runCurl({QStringLiteral("--continue-at"), QStringLiteral("-"), QStringLiteral("--output"),
             downloaded, base + QStringLiteral("/file")},
            &output);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(sha256Of(downloaded), sha256Of(path(QStringLiteral("big.bin"))));

    // An upload large enough that curl sends "Expect: 100-continue".
    const QString upload = path(QStringLiteral("upload.bin"));
    QFile uploadFile(upload);
    QVERIFY(uploadFile.open(QIODevice::WriteOnly));
    uploadFile.write(QByteArray(600 * 1024, 'u'));
    uploadFile.close();
    runCurl({QStringLiteral("--data-binary"), QLatin1Char('@') + upload, QStringLiteral("--header"),
             QStringLiteral("Expect: 100-continue"), base + QStringLiteral("/echo")},
            &output);
    if (QTest::currentTestFailed())
        return;
    const QJsonObject echo = QJsonDocument::fromJson(output).object();
    QCOMPARE(echo.value(QStringLiteral("size")).toInt(), 600 * 1024);
    QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
}

void TestHttpFileServing::closeWithOpenConnections()
{
    QVERIFY(start(tlsOptions()));
    TestClient downloading({m_ca});
    downloading.setHashBodiesOnly(true);
    downloading.connectTo(m_server->port());
    QTRY_VERIFY_WITH_TIMEOUT(downloading.isReady(), WaitMs);
    downloading.setPaused(true);
    downloading.get("/file");
    TestClient idle({m_ca});
    idle.connectTo(m_server->port());
    idle.get("/hello");
    QTRY_COMPARE_WITH_TIMEOUT(idle.responses.size(), 1, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_server->counters().peakStreamBufferedBytes > 0, WaitMs);
    m_server->close();
    QCOMPARE(m_server->counters().openConnections, 0u);
    QVERIFY(!m_server->isListening());
    QTRY_VERIFY_WITH_TIMEOUT(idle.disconnected, WaitMs);
    downloading.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(downloading.disconnected, WaitMs);
    QCOMPARE(downloading.responses.size(), 0);
}

void TestHttpFileServing::fileShorterThanPromisedCutsTheConnection()
{
    QVERIFY(start(plainOptions()));
    TestClient client;
    client.connectTo(m_server->port());
    client.get("/short");
    // The length is already promised: the client sees a short body and a closed connection,
    // never a body of the promised length.
    QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, WaitMs);
    QCOMPARE(client.responses.size(), 0);
    QVERIFY(client.bytesReceived() > 0);
    // The server goes on serving.
    TestClient next;
    next.connectTo(m_server->port());
    next.get("/small");
    QTRY_COMPARE_WITH_TIMEOUT(next.responses.size(), 1, WaitMs);
    QCOMPARE(next.responses[0].body, QByteArray("0123456789"));
}

void TestHttpFileServing::fileReplacedAfterOpeningIsNotServed()
{
    QVERIFY(start(tlsOptions()));
    TestClient client({m_ca});
    client.connectTo(m_server->port());
    client.get("/replaced");
    QTRY_COMPARE_WITH_TIMEOUT(client.responses.size(), 1, WaitMs);
    QCOMPARE(client.responses[0].status, 200);
    QCOMPARE(client.responses[0].body, QByteArray("original"));
}

QTEST_GUILESS_MAIN(TestHttpFileServing)
#include "tst_httpfileserving.moc"
