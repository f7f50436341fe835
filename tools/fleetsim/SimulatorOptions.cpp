#include "SimulatorOptions.h"

#include "protocol/DeviceTopic.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

namespace fleet::sim {

namespace {

struct Flag
{
    const char *name;
    const char *valueName;
    const char *description;
};

// One table for the parser and the help text, so they cannot disagree.
constexpr Flag flags[] = {
    {"broker", "url", "Broker URL: mqtt://host[:port] or mqtts://host[:port] (required)."},
    {"ca", "file",
     "CA certificate(s) (PEM) trusted for the broker's TLS and for artifact downloads "
     "over HTTPS; default: the system's CAs."},
    {"username", "name", "User name for the broker; %1 is replaced by the device id."},
    {"password-file", "file", "File whose first line is the password for the broker."},
    {"count", "n", "Number of devices (default 1). Each device is one MQTT connection."},
    {"prefix", "text", "Device id prefix (default \"sim\"): ids are <prefix>-000001, ..."},
    {"first-index", "n", "Number of the first device (default 1)."},
    {"model", "name", "Model the devices report (default SIM-100)."},
    {"hw-revision", "rev", "Hardware revision the devices report (default A1)."},
    {"firmware", "version", "Firmware version of a new device's slot a (default 1.0.0)."},
    {"heartbeat-interval", "seconds",
     "Seconds between heartbeats (default 60; fractions allowed)."},
    {"trust-key", "file",
     "PEM public key of the release key; artifact signatures are checked "
     "against it (updates are rejected without it)."},
    {"seed", "n", "Seed for every random choice, so runs are reproducible (default 1)."},
    {"fail-download", "pct", "Percent of downloads that break off midway."},
    {"bad-boot", "pct",
     "Percent of updates whose post-boot health check fails (the device "
     "goes back to the old slot and reports rolled_back)."},
    {"offline", "pct",
     "Percent chance per heartbeat that a device drops off without "
     "DISCONNECT (its will is published) and returns later."},
    {"offline-duration", "seconds",
     "How long such a device stays away (default: two heartbeat "
     "intervals)."},
    {"slow-link", "kbps", "Limit each download to this many kilobits per second."},
    {"reject", "pct", "Percent of jobs the devices reject."},
    {"state-dir", "dir",
     "Keep each device's boot counter, slots and jobs here, so a restarted "
     "fleetsim continues its sequence numbers and versions."},
    {"duration", "seconds", "Stop after this many seconds (default: until SIGINT/SIGTERM)."},
    {"connect-rate", "n", "New connections per second while starting (default 200)."},
    {"reboot-delay", "ms", "How long a simulated reboot keeps a device away (default 2000)."},
    {"install-step", "ms", "Pace of the simulated install steps (default 300)."},
    {"summary-interval", "seconds", "Seconds between summary lines (default 10; 0: none)."},
};

Result<int> intValue(const QCommandLineParser &parser, const char *name, int minimum, int maximum)
{
    const QString text = parser.value(QString::fromLatin1(name));
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        return Error::invalid(
            QStringLiteral("--%1 must be a whole number from %2 to %3, not \"%4\".")
                .arg(QString::fromLatin1(name))
                .arg(minimum)
                .arg(maximum)
                .arg(text));
    return value;
}

Result<int> millisecondsValue(const QCommandLineParser &parser, const char *name,
                              double minimumSeconds)
{
    const QString text = parser.value(QString::fromLatin1(name));
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || seconds < minimumSeconds || seconds > 86400.0)
        return Error::invalid(
            QStringLiteral("--%1 must be a number of seconds from %2 to 86400, not \"%3\".")
                .arg(QString::fromLatin1(name))
                .arg(minimumSeconds)
                .arg(text));
    return static_cast<int>(seconds * 1000.0);
}

} // namespace

QString SimulatorOptions::helpText()
{
    QString text = QStringLiteral(
        "Usage: fleetsim --broker URL --count N [options]\n\n"
        "Simulates N devices that speak the Fleetdesk device protocol (docs/device-protocol.md)\n"
        "against an MQTT broker: birth and will, inventory, heartbeats, and jobs (update with\n"
        "download, signature check, A/B slots and reboot; rollback; reboot; config;\n"
        "decommission). See docs/fleetsim.md.\n\nOptions:\n");
    for (const Flag &flag : flags) {
        const QString left =
            QStringLiteral("  --%1 <%2>")
                .arg(QString::fromLatin1(flag.name), QString::fromLatin1(flag.valueName));
        text += left.leftJustified(33) + QString::fromUtf8(flag.description) + QLatin1Char('\n');
    }
    text += QStringLiteral("  --quiet").leftJustified(33) + QStringLiteral("No summary lines.\n");
    text += QStringLiteral("  --help").leftJustified(33) + QStringLiteral("Show this help.\n");
    return text;
}

Result<SimulatorOptions> SimulatorOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    for (const Flag &flag : flags)
        parser.addOption(QCommandLineOption(QString::fromLatin1(flag.name),
                                            QString::fromUtf8(flag.description),
                                            QString::fromLatin1(flag.valueName)));
    parser.addOption(QCommandLineOption(QStringLiteral("quiet")));
    parser.addOption(QCommandLineOption(QStringLiteral("help")));
    if (!parser.parse(arguments))
        return Error::invalid(parser.errorText() + QStringLiteral(" (see fleetsim --help)"));
    if (parser.isSet(QStringLiteral("help")))
        return Error::notFound(helpText());
    if (!parser.positionalArguments().isEmpty())
        return Error::invalid(QStringLiteral("Unexpected argument \"%1\" (see fleetsim --help).")
                                  .arg(parser.positionalArguments().constFirst()));

    SimulatorOptions o;
    if (!parser.isSet(QStringLiteral("broker")))
        return Error::invalid(
            QStringLiteral("--broker is required, e.g. --broker mqtt://127.0.0.1:1883."));
    auto broker = MqttBrokerProfile::fromUrl(parser.value(QStringLiteral("broker")));
    if (!broker)
        return Error::invalid(QStringLiteral("--broker: %1").arg(broker.message()));
    o.broker = broker.value();
    o.caFile = parser.value(QStringLiteral("ca"));
    if (o.broker.tls)
        o.broker.caFile = o.caFile;
    if (parser.isSet(QStringLiteral("username")))
        o.broker.username = parser.value(QStringLiteral("username"));
    if (parser.isSet(QStringLiteral("password-file"))) {
        QFile file(parser.value(QStringLiteral("password-file")));
        if (!file.open(QIODevice::ReadOnly))
            return Error::invalid(QStringLiteral("--password-file: cannot read %1: %2")
                                      .arg(file.fileName(), file.errorString()));
        o.broker.password = QString::fromUtf8(file.readLine()).trimmed();
    }

    const auto readInt = [&](const char *name, int minimum, int maximum, int &target) -> Status {
        if (!parser.isSet(QString::fromLatin1(name)))
            return {};
        auto value = intValue(parser, name, minimum, maximum);
        if (!value)
            return value.error();
        target = value.value();
        return {};
    };
    const auto readSeconds = [&](const char *name, double minimum, int &target) -> Status {
        if (!parser.isSet(QString::fromLatin1(name)))
            return {};
        auto value = millisecondsValue(parser, name, minimum);
        if (!value)
            return value.error();
        target = value.value();
        return {};
    };
    int summarySeconds = o.summaryIntervalMs / 1000;
    int duration = 0;
    for (Status s :
         {readInt("count", 1, 1000000, o.count), readInt("first-index", 0, 99999999, o.firstIndex),
          readSeconds("heartbeat-interval", 0.1, o.heartbeatIntervalMs),
          readInt("fail-download", 0, 100, o.failDownloadPercent),
          readInt("bad-boot", 0, 100, o.badBootPercent),
          readInt("offline", 0, 100, o.offlinePercent),
          readSeconds("offline-duration", 0.1, o.offlineDurationMs),
          readInt("slow-link", 1, 10000000, o.slowLinkKbps),
          readInt("reject", 0, 100, o.rejectPercent), readInt("duration", 1, 365 * 86400, duration),
          readInt("connect-rate", 1, 100000, o.connectsPerSecond),
          readInt("reboot-delay", 0, 600000, o.rebootDelayMs),
          readInt("install-step", 0, 600000, o.installStepMs),
          readInt("summary-interval", 0, 86400, summarySeconds)}) {
        if (!s)
            return s.error();
    }
    o.durationSeconds = duration;
    o.summaryIntervalMs = summarySeconds * 1000;
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        o.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            return Error::invalid(
                QStringLiteral("--seed must be a non-negative whole number, not \"%1\".")
                    .arg(parser.value(QStringLiteral("seed"))));
    }
    if (parser.isSet(QStringLiteral("prefix")))
        o.prefix = parser.value(QStringLiteral("prefix"));
    if (parser.isSet(QStringLiteral("model")))
        o.model = parser.value(QStringLiteral("model"));
    if (parser.isSet(QStringLiteral("hw-revision")))
        o.hwRevision = parser.value(QStringLiteral("hw-revision"));
    if (parser.isSet(QStringLiteral("firmware")))
        o.firmware = parser.value(QStringLiteral("firmware"));
    o.trustKeyFile = parser.value(QStringLiteral("trust-key"));
    o.stateDir = parser.value(QStringLiteral("state-dir"));
    o.quiet = parser.isSet(QStringLiteral("quiet"));
    if (Status valid = o.validate(); !valid)
        return valid.error();
    return o;
}

Status SimulatorOptions::validate() const
{
    if (count < 1)
        return Error::invalid(QStringLiteral("--count must be at least 1."));
    if (!DeviceTopic::isValidId(deviceId(count - 1)))
        return Error::invalid(
            QStringLiteral("--prefix \"%1\" does not make valid device ids: use 1 to 120 of "
                           "A-Z a-z 0-9 . _ : -")
                .arg(prefix));
    if (model.isEmpty() || model.size() > 128)
        return Error::invalid(QStringLiteral("--model must have 1 to 128 characters."));
    if (firmware.isEmpty())
        return Error::invalid(QStringLiteral("--firmware must not be empty."));
    for (const QString &file : {caFile, trustKeyFile}) {
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            return Error::invalid(
                QStringLiteral("The file \"%1\" does not exist or cannot be read.").arg(file));
    }
    if (!broker.tls && !broker.caFile.isEmpty())
        return Error::invalid(
            QStringLiteral("--ca is given for the broker but --broker is not mqtts://."));
    MqttBrokerProfile check = broker;
    check.clientId = deviceId(0);
    check.cleanSession = false;
    return check.validate();
}

QString SimulatorOptions::deviceId(int index) const
{
    return QStringLiteral("%1-%2").arg(prefix).arg(firstIndex + index, 6, 10, QLatin1Char('0'));
}

} // namespace fleet::sim
