#pragma once

// Runs the real fleetctl binary as a script or a person would, in an environment of its own:
// HOME and XDG_DATA_HOME point into a temporary folder, so the default workspace of a test run
// is never the developer's, and the OS user is fixed so audit entries are predictable.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

namespace fleet::test {

// What one fleetctl run produced.
struct CliResult
{
    QStringList arguments;
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;

    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QJsonArray jsonArray() const { return QJsonDocument::fromJson(out).array(); }
    bool isJson() const
    {
        QJsonParseError e;
        QJsonDocument::fromJson(out, &e);
        return e.error == QJsonParseError::NoError;
    }
    // Everything needed to understand a failed expectation.
    QByteArray describe() const
    {
        return QStringLiteral("fleetctl %1\n  finished: %2, exit code %3\n  stdout: %4\n  "
                              "stderr: %5")
            .arg(arguments.join(QLatin1Char(' ')))
            .arg(finished ? QStringLiteral("yes") : QStringLiteral("no (timed out)"))
            .arg(exitCode)
            .arg(QString::fromUtf8(out.left(1500)), QString::fromUtf8(err.left(1500)))
            .toUtf8();
    }
};

// QVERIFY that a run exited with `code`, printing the run when it did not. Evaluates `result`
// once: it is usually the run itself.
#define FLEETCTL_EXPECT_EXIT(result, code)                                                         \
    do {                                                                                           \
        const ::fleet::test::CliResult &fleetctlRun = (result);                                    \
        QVERIFY2(fleetctlRun.finished &&fleetctlRun.exitCode == (code),                            \
                 fleetctlRun.describe().constData());                                              \
    } while (false)

class FleetctlRunner
{
public:
    // Runs against the workspace at `workspacePath` (passed as --workspace); empty: none.
    explicit FleetctlRunner(QString workspacePath = {})
        : m_workspace(std::move(workspacePath))
    {
        m_home.setAutoRemove(true);
    }

    QString workspace() const { return m_workspace; }
    void setWorkspace(const QString &path) { m_workspace = path; }
    QString home() const { return m_home.path(); }

    CliResult run(const QStringList &arguments, int timeoutMs = 120000) const
    {
        QStringList all;
        if (!m_workspace.isEmpty())
            all << QStringLiteral("--workspace") << m_workspace;
        all << arguments;
        return runExactly(all, timeoutMs);
    }

    // Without adding --workspace.
    CliResult runExactly(const QStringList &arguments, int timeoutMs = 120000) const
    {
        CliResult r;
        r.arguments = arguments;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        env.insert(QStringLiteral("USER"), QStringLiteral("cli-tester"));
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        env.remove(QStringLiteral("FLEETDESK_WORKSPACE"));
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_home.path());
        p.start(QStringLiteral(FLEETCTL_PATH), arguments);
        if (!p.waitForStarted(30000)) {
            r.err = "could not start " FLEETCTL_PATH;
            return r;
        }
        p.closeWriteChannel();
        r.finished = p.waitForFinished(timeoutMs);
        if (!r.finished) {
            p.kill();
            p.waitForFinished(5000);
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static bool writeFile(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
    }

    // Runs SQL on a workspace with the sqlite3 command-line tool, as someone tampering with the
    // file outside Fleetdesk would. Returns sqlite3's exit code; its output goes to `output`.
    static int sqlite(const QString &database, const QString &sql, QByteArray *output = nullptr)
    {
        QProcess p;
        p.start(QStringLiteral("/usr/bin/sqlite3"), {database, sql});
        if (!p.waitForStarted(10000) || !p.waitForFinished(60000))
            return -1;
        if (output)
            *output = p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private:
    QString m_workspace;
    QTemporaryDir m_home;
};

} // namespace fleet::test
