// HttpRequestParser: every way a request head and body can be framed or broken, fed whole and
// byte by byte (a parser that only works on whole buffers fails the second half).

#include "http/HttpRequestParser.h"

#include <QRandomGenerator>
#include <QTest>

using namespace fleet;
using Step = HttpRequestParser::Step;

namespace {

struct Outcome
{
    QList<HttpRequest> requests;
    int continues = 0;
    int errorStatus = 0;
    QString errorMessage;
};

HttpRequestParser::Limits smallLimits()
{
    HttpRequestParser::Limits limits;
    limits.maxHeaderBytes = 512;
    limits.maxBodyBytes = 64;
    limits.maxHeaderCount = 10;
    return limits;
}

void drain(HttpRequestParser &parser, Outcome &outcome)
{
    for (;;) {
        const Step step = parser.next();
        if (step == Step::NeedMore)
            return;
        if (step == Step::SendContinue) {
            ++outcome.continues;
            continue;
        }
        if (step == Step::Error) {
            outcome.errorStatus = parser.errorStatus();
            outcome.errorMessage = parser.errorMessage();
            return;
        }
        outcome.requests.append(parser.takeRequest());
    }
}

// Feeds input in pieces of the given size (0 = all at once).
Outcome parseAll(const QByteArray &input, qsizetype pieceSize)
{
    HttpRequestParser parser(smallLimits());
    Outcome outcome;
    const qsizetype step = pieceSize > 0 ? pieceSize : qMax<qsizetype>(1, input.size());
    for (qsizetype at = 0; at < input.size() && outcome.errorStatus == 0; at += step) {
        parser.append(QByteArrayView(input).sliced(at, qMin(step, input.size() - at)));
        drain(parser, outcome);
    }
    if (input.isEmpty())
        drain(parser, outcome);
    return outcome;
}

} // namespace

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private slots:
    void accepted_data();
    void accepted();
    void refused_data();
    void refused();
    void pipelinedRequestsKeepTheirOrder();
    void expectContinueIsAskedOnceBeforeTheBody();
    void expectContinueNotAskedWhenTheBodyIsAlreadyHere();
    void tooLargeBodyIsRefusedBeforeItArrives();
    void incompleteRequestIsPartial();
    void nothingIsReadAfterAnError();
    void randomInputNeverBreaksThePromises();
};

void TestHttpRequestParser::accepted_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<int>("headerCount");

    QTest::newRow("get") << QByteArray("GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n")
                         << QByteArray("GET") << QByteArray("/a?b=c") << QByteArray() << true << 1;
    QTest::newRow("no host tolerated") << QByteArray("GET / HTTP/1.1\r\n\r\n") << QByteArray("GET")
                                       << QByteArray("/") << QByteArray() << true << 0;
    QTest::newRow("lf only") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << QByteArray("GET")
                             << QByteArray("/") << QByteArray() << true << 1;
    QTest::newRow("leading empty lines")
        << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n\r\n") << QByteArray("GET") << QByteArray("/")
        << QByteArray() << true << 0;
    QTest::newRow("head") << QByteArray("HEAD /f HTTP/1.1\r\n\r\n") << QByteArray("HEAD")
                          << QByteArray("/f") << QByteArray() << true << 0;
    QTest::newRow("post with length")
        << QByteArray("POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") << QByteArray("POST")
        << QByteArray("/p") << QByteArray("hello") << true << 1;
    QTest::newRow("repeated equal lengths")
        << QByteArray("PUT /p HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok")
        << QByteArray("PUT") << QByteArray("/p") << QByteArray("ok") << true << 2;
    QTest::newRow("chunked") << QByteArray(
                                    "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
                             << QByteArray("POST") << QByteArray("/c") << QByteArray("hello world")
                             << true << 1;
    QTest::newRow("chunked upper hex, lf only")
        << QByteArray("POST /c HTTP/1.1\nTransfer-Encoding: Chunked\n\nA\n0123456789\n0\n\n")
        << QByteArray("POST") << QByteArray("/c") << QByteArray("0123456789") << true << 1;
    QTest::newRow("connection close")
        << QByteArray("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << false << 1;
    QTest::newRow("http/1.0 closes") << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET")
                                     << QByteArray("/") << QByteArray() << false << 0;
    QTest::newRow("http/1.0 keep-alive")
        << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << true << 1;
    QTest::newRow("http/1.2 as 1.1") << QByteArray("GET / HTTP/1.2\r\n\r\n") << QByteArray("GET")
                                     << QByteArray("/") << QByteArray() << true << 0;
    QTest::newRow("values trimmed, names lowered")
        << QByteArray("GET / HTTP/1.1\r\nX-Thing: \t spaced out \t\r\n\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << true << 1;
    QTest::newRow("options asterisk")
        << QByteArray("OPTIONS * HTTP/1.1\r\n\r\n") << QByteArray("OPTIONS") << QByteArray("*")
        << QByteArray() << true << 0;
    QTest::newRow("absolute form")
        << QByteArray("GET http://h/x HTTP/1.1\r\n\r\n") << QByteArray("GET")
        << QByteArray("http://h/x") << QByteArray() << true << 0;
    QTest::newRow("body exactly at the limit")
        << (QByteArray("POST / HTTP/1.1\r\nContent-Length: 64\r\n\r\n") + QByteArray(64, 'b'))
        << QByteArray("POST") << QByteArray("/") << QByteArray(64, 'b') << true << 1;
    QTest::newRow("obs-text value")
        << QByteArray("GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << true << 1;
}

void TestHttpRequestParser::accepted()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    QFETCH(int, headerCount);
    for (const qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(3), qsizetype(7)}) {
        const Outcome outcome = parseAll(input, piece);
        QVERIFY2(outcome.errorStatus == 0, qPrintable(outcome.errorMessage));
        QCOMPARE(outcome.requests.size(), 1);
        const HttpRequest &request = outcome.requests.front();
        QCOMPARE(request.method, method);
        QCOMPARE(request.target, target);
        QCOMPARE(request.body, body);
        QCOMPARE(request.keepAlive, keepAlive);
        QCOMPARE(request.headers.size(), headerCount);
    }
    if (QByteArray(QTest::currentDataTag()) == "values trimmed, names lowered") {
        const HttpRequest request = parseAll(input, 0).requests.front();
        QCOMPARE(request.header("x-thing"), QByteArray("spaced out"));
        QCOMPARE(request.headers.front().first, QByteArray("x-thing"));
    }
}

void TestHttpRequestParser::refused_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");

    QTest::newRow("tls hello") << QByteArray("\x16\x03\x01\x02\x00\x01", 6) << 400;
    QTest::newRow("garbage line") << QByteArray("@@@\r\n\r\n") << 400;
    QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("lower-case version") << QByteArray("GET / http/1.1\r\n\r\n") << 400;
    QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
    QTest::newRow("method not a token") << QByteArray("G(T / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("target not a path") << QByteArray("GET a/b HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("target with control") << QByteArray("GET /\x01 HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("target with utf-8") << QByteArray("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("bare cr") << QByteArray("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
    QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost\r\n\r\n") << 400;
    QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n") << 400;
    static const char nulInValue[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
    QTest::newRow("nul in value") << QByteArray(nulInValue, sizeof nulInValue - 1) << 400;
    QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("length not a number")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << 400;
    QTest::newRow("negative length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::newRow("lengths disagree")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400;
    QTest::newRow("length and chunked")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
        << 400;
    QTest::newRow("gzip coding")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 501;
    QTest::newRow("identity coding")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n") << 501;
    QTest::newRow("chunked twice")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") << 400;
    QTest::newRow("chunked on 1.0")
        << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
    QTest::newRow("bad chunk size")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400;
    QTest::newRow("chunk longer than size")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n") << 400;
    QTest::newRow("chunks too large")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n") << 413;
    QTest::newRow("huge chunk size")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n")
        << 413;
    QTest::newRow("body too large")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n") << 413;
    QTest::newRow("length overflows")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") << 413;
    QTest::newRow("head too large")
        << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(600, 'a') + "\r\n\r\n") << 431;
    QTest::newRow("request line too long") << (QByteArray("GET /") + QByteArray(600, 'a')) << 414;
    QTest::newRow("too many headers")
        << (QByteArray("GET / HTTP/1.1\r\n") + QByteArray("A: b\r\n").repeated(11) + "\r\n") << 431;
    QTest::newRow("unknown expectation")
        << QByteArray("POST / HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n") << 417;
}

void TestHttpRequestParser::refused()
{
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    for (const qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(5)}) {
        const Outcome outcome = parseAll(input, piece);
        QCOMPARE(outcome.errorStatus, status);
        QVERIFY(!outcome.errorMessage.isEmpty());
        QVERIFY(outcome.requests.isEmpty());
    }
}

void TestHttpRequestParser::pipelinedRequestsKeepTheirOrder()
{
    const QByteArray input =
        "GET /1 HTTP/1.1\r\n\r\n"
        "POST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
        "POST /3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
        "GET /4 HTTP/1.1\r\nConnection: close\r\n\r\n";
    for (const qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(2), qsizetype(13)}) {
        const Outcome outcome = parseAll(input, piece);
        QCOMPARE(outcome.errorStatus, 0);
        QCOMPARE(outcome.requests.size(), 4);
        QCOMPARE(outcome.requests[0].target, QByteArray("/1"));
        QCOMPARE(outcome.requests[1].body, QByteArray("abc"));
        QCOMPARE(outcome.requests[2].body, QByteArray("x"));
        QCOMPARE(outcome.requests[3].target, QByteArray("/4"));
        QVERIFY(!outcome.requests[3].keepAlive);
    }
}

void TestHttpRequestParser::expectContinueIsAskedOnceBeforeTheBody()
{
    HttpRequestParser parser(smallLimits());
    parser.append("PUT /u HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n");
    QCOMPARE(parser.next(), Step::SendContinue);
    QCOMPARE(parser.next(), Step::NeedMore);
    parser.append("ab");
    QCOMPARE(parser.next(), Step::NeedMore);
    parser.append("cd");
    QCOMPARE(parser.next(), Step::Request);
    QCOMPARE(parser.takeRequest().body, QByteArray("abcd"));

    // Without a body there is nothing to continue with.
    parser.append("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n");
    QCOMPARE(parser.next(), Step::Request);
    parser.takeRequest();
    // HTTP/1.0 clients do not understand 100 Continue.
    parser.append("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
    QCOMPARE(parser.next(), Step::NeedMore);
}

void TestHttpRequestParser::expectContinueNotAskedWhenTheBodyIsAlreadyHere()
{
    HttpRequestParser parser(smallLimits());
    parser.append("PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
    QCOMPARE(parser.next(), Step::Request);
}

void TestHttpRequestParser::tooLargeBodyIsRefusedBeforeItArrives()
{
    HttpRequestParser parser(smallLimits());
    parser.append("PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
    QCOMPARE(parser.next(), Step::Error);
    QCOMPARE(parser.errorStatus(), 413);
}

void TestHttpRequestParser::incompleteRequestIsPartial()
{
    HttpRequestParser parser(smallLimits());
    QVERIFY(!parser.hasPartialRequest());
    parser.append("G");
    QCOMPARE(parser.next(), Step::NeedMore);
    QVERIFY(parser.hasPartialRequest());
    parser.append("ET / HTTP/1.1\r\n\r\n");
    QCOMPARE(parser.next(), Step::Request);
    parser.takeRequest();
    QVERIFY(!parser.hasPartialRequest());
    QCOMPARE(parser.bufferedBytes(), 0);
}

void TestHttpRequestParser::nothingIsReadAfterAnError()
{
    HttpRequestParser parser(smallLimits());
    parser.append("BAD\r\n\r\n");
    QCOMPARE(parser.next(), Step::Error);
    parser.append("GET / HTTP/1.1\r\n\r\n");
    QCOMPARE(parser.next(), Step::Error);
    QCOMPARE(parser.bufferedBytes(), 0);
}

void TestHttpRequestParser::randomInputNeverBreaksThePromises()
{
    // Mutations of valid requests (seeded, so a failure repeats): every outcome is a request
    // within the limits or a refusal with a status and a message, and the buffer stays bounded.
    const QByteArray seeds[] = {
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /b HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
        "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    };
    QRandomGenerator random(20261124);
    const auto limits = smallLimits();
    for (int round = 0; round < 20000; ++round) {
        QByteArray input = seeds[random.bounded(3)].repeated(1 + random.bounded(3));
        const int mutations = 1 + random.bounded(6);
        for (int m = 0; m < mutations; ++m) {
            const qsizetype at = random.bounded(int(input.size()));
            switch (random.bounded(3)) {
            case 0:
                input[at] = char(random.bounded(256));
                break;
            case 1:
                input.remove(at, 1 + random.bounded(4));
                break;
            default:
                input.insert(at, QByteArray(1 + random.bounded(200), char(random.bounded(256))));
                break;
            }
        }
        HttpRequestParser parser(limits);
        Outcome outcome;
        const qsizetype piece = 1 + random.bounded(40);
        for (qsizetype at = 0; at < input.size() && outcome.errorStatus == 0; at += piece) {
            parser.append(QByteArrayView(input).sliced(at, qMin(piece, input.size() - at)));
            drain(parser, outcome);
            QVERIFY(parser.bufferedBytes() <= limits.maxHeaderBytes + limits.maxBodyBytes + piece);
        }
        if (outcome.errorStatus != 0) {
            QVERIFY(!outcome.errorMessage.isEmpty());
            QVERIFY(outcome.errorStatus >= 400 && outcome.errorStatus < 600);
        }
        for (const HttpRequest &request : std::as_const(outcome.requests)) {
            QVERIFY(!request.method.isEmpty());
            QVERIFY(!request.target.isEmpty());
            QVERIFY(request.body.size() <= limits.maxBodyBytes);
            QVERIFY(request.headers.size() <= limits.maxHeaderCount);
        }
    }
}

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
