#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace fleet::test {

// Debian's real SWUpdate (/usr/bin/swupdate, 2022.12) running as a hawkBit DDI device
// ("suricatta" mode) against a test server, isolated from the machine and from other
// instances:
//  - TMPDIR points at the device's own folder: SWUpdate puts its IPC sockets (sockinstctrl,
//    swupdateprog) and its scratch folders (scripts/, datadst/) there, so parallel tests and
//    sockets left by a killed run never collide. (Its abstract "NotifyServer" socket moves to
//    NotifyServer1, 2, ... by itself when taken.)
//  - The bootloader interface is "none" (Debian's default), which keeps the update state in
//    memory only: nothing on the machine is touched. The update state a real device would
//    read after rebooting is given on the command line instead (restartAfterReboot()).
//  - It runs in its own session and process group (SWUpdate forks suricatta and a download
//    helper) under coreutils `timeout`, so it dies on its own after maxLifetimeSeconds even
//    if the test crashes; stop() and the destructor end the whole group (SIGTERM, then
//    SIGKILL).
// Output (stdout and stderr, `-v`) goes to a log file, read with log().
class SwupdateDevice
{
public:
    static constexpr const char *DefaultBinary = "/usr/bin/swupdate";

    struct Options
    {
        QString serverUrl; // "https://127.0.0.1:PORT" (no path)
        QString tenant = QStringLiteral("default");
        QString controllerId = QStringLiteral("dev1");
        int pollDelaySeconds = 1;          // until the server's "sleep" says otherwise
        QString caFile;                    // PEM the server's certificate must chain to
        bool skipCertificateCheck = false; // suricatta -x / nocheckcert
        QString targetToken;               // Authorization: TargetToken ...
        QString gatewayToken;              // Authorization: GatewayToken ...
        QString signerCertificate;         // swupdate -k: checks the bundles' CMS signature
        QString hardware = QStringLiteral("fleetboard:1.0"); // swupdate -H board:revision
        // The config file's `identify` section: what SWUpdate PUTs to configData when the
        // server's poll answer has a configData link (without any, it sends nothing).
        QList<QPair<QString, QString>> attributes;
        int maxLifetimeSeconds = 120;
        QString binary = QString::fromLatin1(DefaultBinary);
    };

    explicit SwupdateDevice(Options options);
    ~SwupdateDevice();
    SwupdateDevice(const SwupdateDevice &) = delete;
    SwupdateDevice &operator=(const SwupdateDevice &) = delete;

    // True when the SWUpdate binary is installed (tests QSKIP otherwise).
    static bool isAvailable(const QString &binary = QString::fromLatin1(DefaultBinary));

    Status start();
    // After an update was installed, SWUpdate waits for a reboot to report the outcome: a real
    // device boots the new software and starts SWUpdate with `-c 2` (it works) or `-c 3`
    // (it does not). This stops the device and starts it again that way, which makes it send
    // the final "closed" feedback (success or failure) for the pending action.
    Status restartAfterReboot(bool updateSucceeded);
    void stop();
    bool isRunning() const;

    // The device's own folder (TMPDIR): a good place for the file a test bundle installs.
    QString directory() const { return m_dir.path(); }
    QString configPath() const;
    QString logPath() const;
    QByteArray log() const;
    // The process group of the running SWUpdate (0 when stopped): every process it forked.
    qint64 processGroup() const;
    // How many processes of `group` are alive (zombies waiting to be reaped do not count),
    // read from /proc.
    static int livingProcesses(qint64 group);
    // The command line of the last start, for failure messages.
    QStringList arguments() const { return m_arguments; }

private:
    Status launch(int confirmState);
    Status writeConfig() const;

    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QStringList m_arguments;
};

} // namespace fleet::test
