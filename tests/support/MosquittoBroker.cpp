#include "MosquittoBroker.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <unistd.h>

namespace fleet::test {

namespace {

const QString MosquittoProgram = QStringLiteral("/usr/sbin/mosquitto");
constexpr int StartTimeoutMs = 5000;
constexpr int ToolTimeoutMs = 30000;

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    return socket.waitForConnected(200);
}

} // namespace

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress(QHostAddress::LocalHost), 0))
        return 0;
    return server.serverPort();
}

MosquittoBroker::MosquittoBroker()
    : MosquittoBroker(Options{})
{}

MosquittoBroker::MosquittoBroker(Options options)
    : m_options(std::move(options))
{}

MosquittoBroker::~MosquittoBroker()
{
    kill();
}

QString MosquittoBroker::caFile() const
{
    return file(QStringLiteral("ca.crt"));
}

QString MosquittoBroker::unrelatedCaFile() const
{
    return file(QStringLiteral("other-ca.crt"));
}

QString MosquittoBroker::clientCertificateFile() const
{
    return file(QStringLiteral("client.crt"));
}

QString MosquittoBroker::clientKeyFile() const
{
    return file(QStringLiteral("client.key"));
}

QString MosquittoBroker::log() const
{
    QFile logFile(file(QStringLiteral("mosquitto.log")));
    if (!logFile.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(logFile.readAll());
}

bool MosquittoBroker::runTool(const QString &program, const QStringList &arguments)
{
    QProcess tool;
    tool.setProcessChannelMode(QProcess::MergedChannels);
    tool.start(program, arguments);
    if (!tool.waitForFinished(ToolTimeoutMs) || tool.exitStatus() != QProcess::NormalExit ||
        tool.exitCode() != 0) {
        m_error =
            QStringLiteral("%1 %2 failed: %3")
                .arg(program, arguments.join(QLatin1Char(' ')), QString::fromUtf8(tool.readAll()));
        tool.kill();
        tool.waitForFinished(1000);
        return false;
    }
    return true;
}

bool MosquittoBroker::writeCertificates()
{
    const QString openssl = QStringLiteral("openssl");
    const QStringList ecKey = {
        QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    const auto makeCa = [&](const QString &name, const QString &subject) {
        return runTool(openssl,
                       QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ecKey +
                           QStringList{QStringLiteral("-keyout"),
                                       file(name + QStringLiteral(".key")), QStringLiteral("-out"),
                                       file(name + QStringLiteral(".crt")), QStringLiteral("-days"),
                                       QStringLiteral("2"), QStringLiteral("-subj"), subject});
    };
    if (!makeCa(QStringLiteral("ca"), QStringLiteral("/CN=Fleetdesk Test CA")) ||
        !makeCa(QStringLiteral("other-ca"), QStringLiteral("/CN=Unrelated Test CA")))
        return false;

    // A client certificate for brokers that require one.
    if (!runTool(openssl,
                 QStringList{QStringLiteral("req"), QStringLiteral("-new")} + ecKey +
                     QStringList{QStringLiteral("-keyout"), clientKeyFile(), QStringLiteral("-out"),
                                 file(QStringLiteral("client.csr")), QStringLiteral("-subj"),
                                 QStringLiteral("/CN=fleetdesk-client")}) ||
        !runTool(openssl, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                           file(QStringLiteral("client.csr")), QStringLiteral("-CA"), caFile(),
                           QStringLiteral("-CAkey"), file(QStringLiteral("ca.key")),
                           QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                           clientCertificateFile(), QStringLiteral("-days"), QStringLiteral("2")}))
        return false;

    const bool wrongHost = m_options.serverCertificate == ServerCertificate::WrongHost;
    const QString commonName =
        wrongHost ? QStringLiteral("wrong-host.invalid") : QStringLiteral("127.0.0.1");
    if (!runTool(openssl,
                 QStringList{QStringLiteral("req"), QStringLiteral("-new")} + ecKey +
                     QStringList{QStringLiteral("-keyout"), file(QStringLiteral("server.key")),
                                 QStringLiteral("-out"), file(QStringLiteral("server.csr")),
                                 QStringLiteral("-subj"), QStringLiteral("/CN=") + commonName}))
        return false;
    QFile extensions(file(QStringLiteral("server.ext")));
    if (!extensions.open(QIODevice::WriteOnly)) {
        m_error = extensions.errorString();
        return false;
    }
    extensions.write(wrongHost ? "subjectAltName=DNS:wrong-host.invalid\n"
                               : "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    extensions.close();
    // A negative validity makes notAfter lie before notBefore (now): an expired certificate
    // without faking the clock.
    const QString days = m_options.serverCertificate == ServerCertificate::Expired
                             ? QStringLiteral("-1")
                             : QStringLiteral("2");
    return runTool(openssl, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                             file(QStringLiteral("server.csr")), QStringLiteral("-CA"), caFile(),
                             QStringLiteral("-CAkey"), file(QStringLiteral("ca.key")),
                             QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                             file(QStringLiteral("server.crt")), QStringLiteral("-days"), days,
                             QStringLiteral("-extfile"), file(QStringLiteral("server.ext"))});
}

bool MosquittoBroker::writeUsersAndAcl()
{
    bool first = true;
    for (const auto &[user, password] : m_options.users) {
        QStringList arguments;
        if (first)
            arguments << QStringLiteral("-c");
        arguments << QStringLiteral("-b") << file(QStringLiteral("passwords")) << user << password;
        if (!runTool(QStringLiteral("mosquitto_passwd"), arguments))
            return false;
        first = false;
    }
    if (!m_options.acl.isEmpty()) {
        QFile acl(file(QStringLiteral("acl")));
        if (!acl.open(QIODevice::WriteOnly)) {
            m_error = acl.errorString();
            return false;
        }
        acl.write(m_options.acl.toUtf8());
    }
    return true;
}

bool MosquittoBroker::writeConfig()
{
    QString config;
    // As root, mosquitto would otherwise switch to the "mosquitto" user, which cannot read
    // the temporary folder.
    if (::geteuid() == 0)
        config += QStringLiteral("user root\n");
    // The queue limits of packaging/mosquitto/mosquitto.conf: with mosquitto's default of
    // 1,000, a burst from a simulated fleet (1,000 devices saying goodbye at once) is dropped
    // for a subscriber that falls a moment behind, even at QoS 1.
    config += QStringLiteral("per_listener_settings false\npersistence false\n"
                             "max_queued_messages 200000\nmax_queued_bytes 104857600\n"
                             "log_dest file %1\nlog_type all\nconnection_messages true\n")
                  .arg(file(QStringLiteral("mosquitto.log")));
    if (m_options.users.isEmpty()) {
        config += QStringLiteral("allow_anonymous true\n");
    } else {
        config += QStringLiteral("allow_anonymous false\npassword_file %1\n")
                      .arg(file(QStringLiteral("passwords")));
    }
    if (!m_options.acl.isEmpty())
        config += QStringLiteral("acl_file %1\n").arg(file(QStringLiteral("acl")));
    config += QStringLiteral("listener %1 127.0.0.1\n").arg(m_port);
    if (m_options.tls) {
        config += QStringLiteral("listener %1 127.0.0.1\ncafile %2\ncertfile %3\nkeyfile %4\n")
                      .arg(m_tlsPort)
                      .arg(caFile(), file(QStringLiteral("server.crt")),
                           file(QStringLiteral("server.key")));
        if (m_options.requireClientCertificate)
            config += QStringLiteral("require_certificate true\n");
    }
    QFile configFile(file(QStringLiteral("mosquitto.conf")));
    if (!configFile.open(QIODevice::WriteOnly)) {
        m_error = configFile.errorString();
        return false;
    }
    configFile.write(config.toUtf8());
    return true;
}

bool MosquittoBroker::start()
{
    if (!m_dir.isValid()) {
        m_error =
            QStringLiteral("Could not create a temporary folder: %1").arg(m_dir.errorString());
        return false;
    }
    if ((m_options.tls && !writeCertificates()) || !writeUsersAndAcl())
        return false;
    // Another process may grab a free port before mosquitto binds it: pick again then.
    for (int tries = 0; tries < 5; ++tries) {
        m_port = freeLoopbackPort();
        m_tlsPort = m_options.tls ? freeLoopbackPort() : 0;
        if (m_port == 0 || m_port == m_tlsPort)
            continue;
        if (!writeConfig())
            return false;
        if (launch())
            return true;
    }
    return false;
}

bool MosquittoBroker::launch()
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->start(MosquittoProgram,
                     {QStringLiteral("-c"), file(QStringLiteral("mosquitto.conf"))});
    if (!m_process->waitForStarted(StartTimeoutMs)) {
        m_error = QStringLiteral("Could not start %1: %2")
                      .arg(MosquittoProgram, m_process->errorString());
        m_process.reset();
        return false;
    }
    const QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running) {
            m_error = QStringLiteral("mosquitto exited: %1\n%2")
                          .arg(QString::fromUtf8(m_process->readAll()), log());
            m_process.reset();
            return false;
        }
        if (portAccepts(m_port) && (m_tlsPort == 0 || portAccepts(m_tlsPort)))
            return true;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("mosquitto did not accept connections within %1 ms\n%2")
                  .arg(StartTimeoutMs)
                  .arg(log());
    kill();
    return false;
}

void MosquittoBroker::stop()
{
    if (!m_process)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(StartTimeoutMs)) {
        m_process->kill();
        m_process->waitForFinished(StartTimeoutMs);
    }
    m_process.reset();
}

void MosquittoBroker::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished(StartTimeoutMs);
    m_process.reset();
}

bool MosquittoBroker::restart()
{
    kill();
    // The same ports, so clients reconnect to where they were; mosquitto sets SO_REUSEADDR,
    // so a listener killed a moment ago does not block the new one.
    return launch();
}

bool MosquittoBroker::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

} // namespace fleet::test
