#include "tls/ServerNames.h"

#include <QHostInfo>
#include <QNetworkInterface>
#include <QRegularExpression>

namespace fleet {

namespace {

bool isValidDnsName(const QString &name)
{
    // RFC 1123 labels; a wildcard only as the whole first label.
    static const QRegularExpression pattern(QStringLiteral(
        "^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"));
    return name.size() <= 253 && pattern.match(name).hasMatch();
}

void addName(QStringList &names, const QString &name)
{
    if (!name.isEmpty() && !names.contains(name))
        names << name;
}

void addAddress(QList<QHostAddress> &addresses, const QHostAddress &address)
{
    for (const QHostAddress &a : std::as_const(addresses))
        if (a.isEqual(address, QHostAddress::StrictConversion))
            return;
    addresses << address;
}

} // namespace

ServerNames ServerNames::forThisMachine()
{
    ServerNames names;
    const QString host = QHostInfo::localHostName().toLower();
    if (isValidDnsName(host))
        addName(names.dnsNames, host);
    addName(names.dnsNames, QStringLiteral("localhost"));
    addAddress(names.addresses, QHostAddress(QHostAddress::LocalHost));
    addAddress(names.addresses, QHostAddress(QHostAddress::LocalHostIPv6));
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        if (!(iface.flags() & QNetworkInterface::IsUp) ||
            (iface.flags() & QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = iface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            QHostAddress a = entry.ip();
            // Link-local addresses only mean something with a scope (fe80::1%eth0), which
            // a certificate cannot carry.
            if (a.isLoopback() || a.isLinkLocal() || a.isNull())
                continue;
            a.setScopeId(QString());
            addAddress(names.addresses, a);
        }
    }
    return names;
}

Result<ServerNames> ServerNames::fromStrings(const QStringList &dnsNames,
                                             const QStringList &addresses)
{
    ServerNames names;
    for (const QString &raw : dnsNames) {
        const QString name = raw.trimmed().toLower();
        if (!isValidDnsName(name))
            return Error::invalid(
                QStringLiteral("'%1' is not a valid DNS name for a server certificate").arg(raw));
        addName(names.dnsNames, name);
    }
    for (const QString &raw : addresses) {
        QHostAddress a;
        if (!a.setAddress(raw.trimmed()) || !a.scopeId().isEmpty())
            return Error::invalid(
                QStringLiteral("'%1' is not an IP address (IPv4 or IPv6, without a scope)")
                    .arg(raw));
        addAddress(names.addresses, a);
    }
    return names;
}

ServerNames ServerNames::unitedWith(const ServerNames &other) const
{
    ServerNames out = *this;
    for (const QString &n : other.dnsNames)
        addName(out.dnsNames, n);
    for (const QHostAddress &a : other.addresses)
        addAddress(out.addresses, a);
    return out;
}

bool ServerNames::covers(const ServerNames &other) const
{
    return unitedWith(other).toStrings().size() == toStrings().size();
}

QStringList ServerNames::toStrings() const
{
    QStringList out;
    for (const QString &n : dnsNames)
        out << QStringLiteral("DNS:") + n;
    for (const QHostAddress &a : addresses)
        out << QStringLiteral("IP:") + a.toString();
    return out;
}

} // namespace fleet
