#include "SwupdateDevice.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QThread>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace fleet::test {

namespace {

// A libconfig string literal.
QByteArray quoted(const QString &text)
{
    QByteArray out = text.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + out + '"';
}

} // namespace

SwupdateDevice::SwupdateDevice(Options options)
    : m_options(std::move(options))
{}

SwupdateDevice::~SwupdateDevice()
{
    stop();
}

bool SwupdateDevice::isAvailable(const QString &binary)
{
    return QFileInfo(binary).isExecutable();
}

QString SwupdateDevice::configPath() const
{
    return m_dir.filePath(QStringLiteral("swupdate.cfg"));
}

QString SwupdateDevice::logPath() const
{
    return m_dir.filePath(QStringLiteral("swupdate.log"));
}

QByteArray SwupdateDevice::log() const
{
    QFile f(logPath());
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool SwupdateDevice::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

int SwupdateDevice::livingProcesses(qint64 group)
{
    int count = 0;
    const QStringList pids =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        if (!pid.front().isDigit())
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid pgrp ...": comm may hold spaces, so parse after the last ')'.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 2 && fields.at(2).toLongLong() == group && fields.at(0) != "Z")
            ++count;
    }
    return count;
}

qint64 SwupdateDevice::processGroup() const
{
    return isRunning() ? m_process->processId() : 0;
}

Status SwupdateDevice::writeConfig() const
{
    // The suricatta section takes everything the -u option string could, and a CA file,
    // which -u cannot. SWUpdate insists on a globals section in any config file.
    QByteArray cfg = "globals :\n{\n    verbose = true;\n    loglevel = 6;\n};\n";
    if (!m_options.attributes.isEmpty()) {
        QByteArrayList entries;
        for (const auto &[name, value] : m_options.attributes)
            entries << "    { name = " + quoted(name) + "; value = " + quoted(value) + "; }";
        cfg += "identify : (\n" + entries.join(",\n") + "\n);\n";
    }
    cfg += "suricatta :\n{\n";
    cfg += "    tenant = " + quoted(m_options.tenant) + ";\n";
    cfg += "    id = " + quoted(m_options.controllerId) + ";\n";
    cfg += "    url = " + quoted(m_options.serverUrl) + ";\n";
    cfg += "    polldelay = " + QByteArray::number(m_options.pollDelaySeconds) + ";\n";
    cfg += "    retry = 2;\n    retrywait = 1;\n    connection-timeout = 10;\n";
    // The initial report after a "reboot" is re-sent this often while the server fails.
    cfg += "    initial-report-resend-period = 2;\n";
    if (!m_options.caFile.isEmpty())
        cfg += "    cafile = " + quoted(m_options.caFile) + ";\n";
    if (m_options.skipCertificateCheck)
        cfg += "    nocheckcert = true;\n";
    if (!m_options.targetToken.isEmpty())
        cfg += "    targettoken = " + quoted(m_options.targetToken) + ";\n";
    if (!m_options.gatewayToken.isEmpty())
        cfg += "    gatewaytoken = " + quoted(m_options.gatewayToken) + ";\n";
    cfg += "};\n";
    QFile f(configPath());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(cfg) != cfg.size())
        return Error::failed(QStringLiteral("Cannot write %1").arg(configPath()));
    return {};
}

Status SwupdateDevice::start()
{
    return launch(0);
}

Status SwupdateDevice::restartAfterReboot(bool updateSucceeded)
{
    stop();
    return launch(updateSucceeded ? 2 : 3);
}

Status SwupdateDevice::launch(int confirmState)
{
    if (isRunning())
        return Error::invalid(QStringLiteral("SWUpdate is already running"));
    if (!m_dir.isValid())
        return Error::failed(QStringLiteral("Cannot create a temporary folder for SWUpdate"));
    if (!isAvailable(m_options.binary))
        return Error::notFound(QStringLiteral("%1 is not installed").arg(m_options.binary));
    if (m_options.serverUrl.isEmpty() || m_options.signerCertificate.isEmpty())
        return Error::invalid(QStringLiteral("SWUpdate needs a server URL and the bundle "
                                             "signer's certificate"));
    const QString timeoutTool = QStandardPaths::findExecutable(QStringLiteral("timeout"));
    if (timeoutTool.isEmpty())
        return Error::notFound(QStringLiteral("coreutils' timeout is not installed"));
    if (Status s = writeConfig(); !s)
        return s;

    {
        QFile logFile(logPath());
        if (logFile.open(QIODevice::Append))
            logFile.write(QByteArrayLiteral("=== fleetdesk test: starting swupdate") +
                          (confirmState ? " -c " + QByteArray::number(confirmState) : "") + "\n");
    }

    // `-u` starts suricatta; its option string adds to the config file's section.
    const QString suricattaArgs =
        confirmState ? QStringLiteral("-c %1").arg(confirmState) : QString();
    m_arguments = {
        QStringLiteral("-k"), QStringLiteral("5"),  QString::number(m_options.maxLifetimeSeconds),
        m_options.binary,     QStringLiteral("-f"), configPath(),
        QStringLiteral("-v"), QStringLiteral("-k"), m_options.signerCertificate,
        QStringLiteral("-H"), m_options.hardware,   QStringLiteral("-u"),
        suricattaArgs};

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TMPDIR"), m_dir.path());
    // libcurl honours proxy variables; a test server on loopback must be reached directly.
    for (const char *name :
         {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("no_proxy"), QStringLiteral("*"));
    // Never mistake our sockets for systemd's socket activation.
    env.remove(QStringLiteral("LISTEN_FDS"));
    env.remove(QStringLiteral("LISTEN_PID"));

    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(env);
    m_process->setWorkingDirectory(m_dir.path());
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(logPath(), QIODevice::Append);
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Its own session, hence its own process group: stop() ends SWUpdate and all it forked.
    m_process->setChildProcessModifier([] { ::setsid(); });
    m_process->start(timeoutTool, m_arguments);
    if (!m_process->waitForStarted(10000)) {
        const QString why = m_process->errorString();
        m_process.reset();
        return Error::failed(QStringLiteral("Cannot start SWUpdate: %1").arg(why));
    }
    return {};
}

void SwupdateDevice::stop()
{
    if (!m_process)
        return;
    const auto group = static_cast<pid_t>(m_process->processId());
    if (m_process->state() != QProcess::NotRunning && group > 0) {
        ::kill(-group, SIGTERM);
        if (!m_process->waitForFinished(5000)) {
            ::kill(-group, SIGKILL);
            m_process->waitForFinished(5000);
        }
    }
    // SWUpdate's helpers may outlive the main process for a moment; the group goes entirely
    // (SIGKILL after a second). Bounded: 5 seconds at most.
    for (int i = 0; group > 0 && livingProcesses(group) > 0 && i < 250; ++i) {
        ::kill(-group, i < 50 ? SIGTERM : SIGKILL);
        QThread::msleep(20);
    }
    m_process.reset();
}

} // namespace fleet::test
