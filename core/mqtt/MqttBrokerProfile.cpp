#include "mqtt/MqttBrokerProfile.h"

#include <QFileInfo>
#include <QUrl>

namespace fleet {

Result<MqttBrokerProfile> MqttBrokerProfile::fromUrl(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return Error::invalid(
            QStringLiteral("Enter the broker address, e.g. mqtts://broker.example.com:8883."));
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid())
        return Error::invalid(QStringLiteral("'%1' is not a valid broker address: %2")
                                  .arg(trimmed, url.errorString()));
    MqttBrokerProfile profile;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("mqtt")) {
        profile.tls = false;
        profile.port = DefaultPlainPort;
    } else if (scheme == QLatin1String("mqtts")) {
        profile.tls = true;
        profile.port = DefaultTlsPort;
    } else {
        return Error::invalid(
            QStringLiteral("'%1' does not start with mqtt:// or mqtts://; use mqtts:// for an "
                           "encrypted connection or mqtt:// for a plain one.")
                .arg(trimmed));
    }
    profile.host = url.host();
    if (profile.host.isEmpty())
        return Error::invalid(QStringLiteral("'%1' has no host name.").arg(trimmed));
    if (!url.password().isEmpty())
        return Error::invalid(
            QStringLiteral("Do not put the password in the broker address; enter it in the "
                           "password field instead."));
    profile.username = url.userName();
    if (url.port() == 0)
        return Error::invalid(
            QStringLiteral("'%1': port 0 is not a valid broker port.").arg(trimmed));
    if (url.port() > 0)
        profile.port = static_cast<quint16>(url.port());
    if (!url.path().isEmpty() && url.path() != QLatin1String("/"))
        return Error::invalid(
            QStringLiteral("'%1' has a path ('%2'); a broker address is only host and port.")
                .arg(trimmed, url.path()));
    if (url.hasQuery() || url.hasFragment())
        return Error::invalid(
            QStringLiteral("'%1' has a query or fragment; a broker address is only host and port.")
                .arg(trimmed));
    return profile;
}

QString MqttBrokerProfile::url() const
{
    QUrl url;
    url.setScheme(tls ? QStringLiteral("mqtts") : QStringLiteral("mqtt"));
    url.setHost(host);
    url.setPort(port);
    return url.toString();
}

Status MqttBrokerProfile::validate() const
{
    if (host.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Enter the broker's host name or address."));
    if (port == 0)
        return Error::invalid(QStringLiteral("Port 0 is not a valid broker port; MQTT brokers "
                                             "usually listen on 1883 (plain) or 8883 (TLS)."));
    if (inflightWindow <= 0)
        return Error::invalid(
            QStringLiteral("The in-flight window must be between 1 and %1 messages (0 would mean "
                           "unlimited, which lets an unresponsive broker buffer messages without "
                           "bound). The default is %2.")
                .arg(MaxInflightWindow)
                .arg(DefaultInflightWindow));
    if (inflightWindow > MaxInflightWindow)
        return Error::invalid(
            QStringLiteral("The in-flight window of %1 is too large; use at most %2 messages.")
                .arg(inflightWindow)
                .arg(MaxInflightWindow));
    // libmosquitto refuses keep-alive intervals below 5 s; 65535 is the protocol's maximum.
    if (keepAliveSeconds < 5 || keepAliveSeconds > 65535)
        return Error::invalid(
            QStringLiteral(
                "The keep-alive interval must be between 5 and 65535 seconds (it is %1).")
                .arg(keepAliveSeconds));
    if (!cleanSession && clientId.isEmpty())
        return Error::invalid(QStringLiteral("A persistent session (clean session off) needs a "
                                             "client id, so the broker can recognise the client "
                                             "when it comes back."));
    if (will.isSet()) {
        if (will.qos < 0 || will.qos > 2)
            return Error::invalid(
                QStringLiteral("The last will's QoS must be 0, 1 or 2 (it is %1).").arg(will.qos));
        if (will.topic.contains(QLatin1Char('+')) || will.topic.contains(QLatin1Char('#')))
            return Error::invalid(QStringLiteral("The last will's topic '%1' may not contain the "
                                                 "wildcards + or #.")
                                      .arg(will.topic));
    }
    if (clientId.toUtf8().size() > 65535)
        return Error::invalid(QStringLiteral("The client id is too long."));
    if (!password.isEmpty() && username.isEmpty())
        return Error::invalid(QStringLiteral("A password was given without a user name; enter "
                                             "the user name too."));
    if (clientCertFile.isEmpty() != clientKeyFile.isEmpty())
        return Error::invalid(QStringLiteral("A client certificate needs its private key and "
                                             "vice versa; choose both files or neither."));
    if (!tls && (!caFile.isEmpty() || !clientCertFile.isEmpty()))
        return Error::invalid(QStringLiteral("CA and client certificate files are only used with "
                                             "TLS; switch TLS on (mqtts://) or clear the files."));
    for (const QString &file : {caFile, clientCertFile, clientKeyFile}) {
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            return Error::invalid(
                QStringLiteral("The file '%1' does not exist or cannot be read.").arg(file));
    }
    return Status::success();
}

} // namespace fleet
