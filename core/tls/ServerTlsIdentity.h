#pragma once

#include "tls/CertificateDetails.h"
#include "tls/ServerNames.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <optional>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// Where the update server's TLS identity lives for one workspace: the folder
// `<workspace>.tls/` next to the workspace file (like the release-signing key, never inside
// the database, so a copied workspace does not carry private keys):
//
//   ca.pem, ca.key          the workspace's local CA (LocalCertificateAuthority)
//   server.pem, server.key  the certificate the server presents, issued by the local CA or
//                           imported from the operator's own PKI
//   chain.pem               intermediates sent after an imported certificate (optional)
//
// Keys are owner-only (0600), the folder 0700. Every file is replaced atomically (QSaveFile:
// temporary file, fsync, rename). Whether the server certificate is the local CA's or an
// imported one is read from the files: it is "local" exactly when the local CA's key
// verifies its signature.
//
// Changes are audited: the files are written first, and put back as they were if the audit
// entry cannot be recorded.
class ServerTlsIdentity
{
public:
    // A certificate that expires within this many days is reissued by ensure().
    static constexpr int RenewBeforeDays = 30;

    enum class Source { LocalCa, Imported };

    struct Info
    {
        QString directory;
        Source source = Source::LocalCa;
        CertificateDetails server;
        std::optional<CertificateDetails> localCa; // absent when only an import is there
        QList<CertificateDetails> chain;           // imported intermediates
        QJsonObject toJson() const;
    };

    struct EnsureOutcome
    {
        bool createdCa = false;
        bool issuedServerCertificate = false;
        QString reason;  // why a certificate was issued, or "" when nothing changed
        QString warning; // e.g. an imported certificate that expires soon
        Info info;
    };

    // What a TLS server needs (QSslConfiguration's local certificate, chain and key).
    struct Loaded
    {
        QSslCertificate certificate;
        QList<QSslCertificate> chain;
        QSslKey key;
    };

    ServerTlsIdentity(SqliteDatabase &db, AuditLog &audit, QString workspacePath);
    static QString directoryForWorkspace(const QString &workspacePath);
    QString directory() const { return directoryForWorkspace(m_workspacePath); }
    QString caCertificatePath() const;
    QString serverCertificatePath() const;

    // Makes sure there is a usable server certificate: creates the local CA when there is none,
    // and issues a server certificate for `wanted` (plus the names the current one already has)
    // when there is none, when it expires within RenewBeforeDays, when it lacks a wanted name,
    // or when its key is missing or does not match. An imported certificate is left alone
    // (with a warning when it expires soon). Idempotent: a second call changes nothing.
    Result<EnsureOutcome> ensure(const ServerNames &wanted);
    Result<EnsureOutcome> ensure() { return ensure(ServerNames::forThisMachine()); }

    // Issues a new server certificate from the local CA now, for `machine` plus `extra` plus
    // the names the current local certificate has. Replaces an imported certificate: this is
    // how an operator goes back to the local CA.
    Result<EnsureOutcome> renew(const ServerNames &extra, const ServerNames &machine);
    Result<EnsureOutcome> renew(const ServerNames &extra)
    {
        return renew(extra, ServerNames::forThisMachine());
    }

    // Uses the operator's certificate (PEM) and unencrypted private key (PEM, PKCS#8, SEC1 or
    // PKCS#1), with optional intermediates, instead of the local CA's. Refused when the key
    // does not match the certificate, the certificate is not valid now, is a CA certificate,
    // or its extendedKeyUsage does not allow serverAuth.
    Result<Info> importServerCertificate(const QString &certificatePath, const QString &keyPath,
                                         const QString &chainPath = {});

    // Writes the certificate devices must trust: the local CA's, or for an imported
    // certificate the top of its chain (refused when the chain was not imported).
    Status exportCaCertificate(const QString &path) const;

    // What is there now; NotFound before the first ensure().
    Result<Info> info() const;
    // The identity for the server, checked (key matches, valid now).
    Result<Loaded> load() const;

private:
    Result<EnsureOutcome> issue(const ServerNames &names, const QString &action,
                                const QString &reason);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
    QString m_workspacePath;
};

} // namespace fleet
