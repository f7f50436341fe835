#pragma once

#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace fleet::test {

// A real /usr/sbin/mosquitto on free loopback ports, configured in a temporary folder, for
// tests of the MQTT transport. Optionally with a TLS listener whose certificates are generated
// with the openssl command line at test time, a password file and an ACL file. The broker
// process is always killed when this object goes away.
class MosquittoBroker
{
public:
    enum class ServerCertificate {
        Valid,     // signed by caFile(), for 127.0.0.1 and localhost, valid now
        Expired,   // signed by caFile(), but its validity ended yesterday
        WrongHost, // signed by caFile(), but for the host name wrong-host.invalid only
    };

    struct Options
    {
        bool tls = false;
        // The TLS listener refuses clients without a certificate signed by caFile().
        bool requireClientCertificate = false;
        ServerCertificate serverCertificate = ServerCertificate::Valid;
        QList<QPair<QString, QString>> users; // user name, password; anonymous when empty
        QString acl;                          // contents of an ACL file; none when empty
    };

    MosquittoBroker();
    explicit MosquittoBroker(Options options);
    ~MosquittoBroker();
    MosquittoBroker(const MosquittoBroker &) = delete;
    MosquittoBroker &operator=(const MosquittoBroker &) = delete;

    // Generates the files, starts the broker and waits (at most 5 s) until it accepts
    // connections. On failure returns false and errorString() says why.
    bool start();
    // SIGTERM and wait; the ports are kept for restart().
    void stop();
    // SIGKILL: the broker vanishes without closing anything gracefully.
    void kill();
    // Starts again on the same ports.
    bool restart();
    bool isRunning() const;

    quint16 port() const { return m_port; }       // plain MQTT
    quint16 tlsPort() const { return m_tlsPort; } // MQTT over TLS (when Options::tls)
    QString caFile() const;                       // the CA that signed the server certificate
    QString unrelatedCaFile() const;              // a CA that signed nothing the broker uses
    QString clientCertificateFile() const;        // signed by caFile(), CN fleetdesk-client
    QString clientKeyFile() const;
    QString errorString() const { return m_error; }
    // Everything the broker logged so far (it logs all message types).
    QString log() const;

private:
    bool writeCertificates();
    bool writeUsersAndAcl();
    bool writeConfig();
    bool launch();
    bool runTool(const QString &program, const QStringList &arguments);
    QString file(const QString &name) const { return m_dir.filePath(name); }

    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    QString m_error;
};

// A loopback TCP port that nothing listens on right now.
quint16 freeLoopbackPort();

} // namespace fleet::test
