#pragma once

#include "util/Result.h"

#include <QHostAddress>
#include <QList>
#include <QStringList>

namespace fleet {

// The names a server certificate is valid for (its subjectAltName): DNS names and IP
// addresses. Clients such as libcurl (SWUpdate) check the host in the URL against these, so a
// device that reaches the server as https://192.168.1.20:8443 needs IP:192.168.1.20 here.
struct ServerNames
{
    QStringList dnsNames;
    QList<QHostAddress> addresses;

    // This machine: its host name, "localhost", 127.0.0.1, ::1 and every non-loopback,
    // non-link-local address of its network interfaces that are up.
    static ServerNames forThisMachine();

    // Checks and normalises names given by an operator ("gw.example.com", "10.0.0.5", "::1"):
    // DNS names are lower-cased and must be valid host names (a leading "*." wildcard is
    // allowed), addresses must parse. The message names the first bad entry.
    static Result<ServerNames> fromStrings(const QStringList &dnsNames,
                                           const QStringList &addresses);

    bool isEmpty() const { return dnsNames.isEmpty() && addresses.isEmpty(); }
    // Both lists merged, without duplicates, in a stable order (first-seen).
    ServerNames unitedWith(const ServerNames &other) const;
    // True when every name and address of `other` is here.
    bool covers(const ServerNames &other) const;
    // "DNS:host", "IP:127.0.0.1", ... as OpenSSL prints them.
    QStringList toStrings() const;
};

} // namespace fleet
