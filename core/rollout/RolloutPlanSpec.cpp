#include "RolloutPlanSpec.h"

#include <QJsonArray>
#include <optional>
#include <type_traits>

namespace fleet {

namespace {

// Reads an optional whole number: absent keeps `fallback`, null gives "none", anything but a
// whole number is an error naming the key.
Result<std::optional<qint64>> optionalInteger(const QJsonObject &o, const QString &key,
                                              std::optional<qint64> fallback)
{
    if (!o.contains(key))
        return fallback;
    const QJsonValue v = o.value(key);
    if (v.isNull())
        return std::optional<qint64>();
    const double d = v.toDouble(-1.5);
    if (!v.isDouble() || d != double(qint64(d)))
        return Error::invalid(QStringLiteral("plan: '%1' must be a whole number").arg(key));
    return std::optional<qint64>(qint64(d));
}

Result<qint64> integer(const QJsonObject &o, const QString &key, qint64 fallback)
{
    auto v = optionalInteger(o, key, fallback);
    if (!v)
        return v.error();
    if (!v.value())
        return Error::invalid(QStringLiteral("plan: '%1' cannot be null").arg(key));
    return *v.value();
}

QJsonValue orNull(const std::optional<qint64> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonValue orNull(const std::optional<int> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonObject splitJson(const WaveSplit &split)
{
    QJsonObject o;
    switch (split.kind()) {
    case WaveSplit::Kind::ByCount:
        o.insert(QStringLiteral("kind"), QStringLiteral("count"));
        o.insert(QStringLiteral("devicesPerWave"), split.devicesPerWave());
        break;
    case WaveSplit::Kind::ByCumulativePercent: {
        QJsonArray steps;
        for (int p : split.percentSteps())
            steps << p;
        o.insert(QStringLiteral("kind"), QStringLiteral("percent"));
        o.insert(QStringLiteral("steps"), steps);
        break;
    }
    case WaveSplit::Kind::ByGroup: {
        QJsonArray groups;
        for (const WaveGroup &g : split.groups())
            groups << QJsonObject{
                {QStringLiteral("name"), g.name},
                {QStringLiteral("devices"), QJsonArray::fromStringList(g.deviceUids)}};
        o.insert(QStringLiteral("kind"), QStringLiteral("group"));
        o.insert(QStringLiteral("groups"), groups);
        break;
    }
    }
    return o;
}

Result<WaveSplit> splitFromJson(const QJsonValue &value)
{
    if (value.isUndefined())
        return RolloutPlanSpec::oneWave();
    if (!value.isObject())
        return Error::invalid(QStringLiteral("plan: 'split' must be an object"));
    const QJsonObject o = value.toObject();
    const QString kind = o.value(QStringLiteral("kind")).toString();
    if (kind == QLatin1String("count")) {
        auto n = integer(o, QStringLiteral("devicesPerWave"), 0);
        if (!n)
            return n.error();
        return WaveSplit::byCount(n.value());
    }
    if (kind == QLatin1String("percent")) {
        QList<int> steps;
        for (const QJsonValue &v : o.value(QStringLiteral("steps")).toArray()) {
            if (!v.isDouble())
                return Error::invalid(QStringLiteral("plan: percentage steps must be numbers"));
            steps << v.toInt();
        }
        return WaveSplit::byCumulativePercent(steps);
    }
    if (kind == QLatin1String("group")) {
        QList<WaveGroup> groups;
        for (const QJsonValue &v : o.value(QStringLiteral("groups")).toArray()) {
            const QJsonObject g = v.toObject();
            QStringList uids;
            for (const QJsonValue &u : g.value(QStringLiteral("devices")).toArray())
                uids << u.toString();
            groups << WaveGroup{g.value(QStringLiteral("name")).toString(), uids};
        }
        return WaveSplit::byGroup(groups);
    }
    return Error::invalid(
        QStringLiteral("plan: split kind '%1' is not count, percent or group").arg(kind));
}

} // namespace

WaveSplit RolloutPlanSpec::oneWave()
{
    // 100 is a valid step list by WaveSplit's own rules, so this cannot fail.
    return WaveSplit::byCumulativePercent({100}).value();
}

ForecastSettings RolloutPlanSpec::forecastSettings(const QDateTime &start) const
{
    ForecastSettings s;
    s.start = start;
    s.devicesPerMinute = devicesPerMinute;
    s.maxConcurrent = maxConcurrent;
    s.minutesPerDevice = minutesPerDevice;
    s.minutesBetweenWaves = minutesBetweenWaves;
    return s;
}

Status RolloutPlanSpec::validate() const
{
    // The pace has the forecaster's rules; any valid start will do to check them.
    if (Status s = forecastSettings(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)).validate(); !s)
        return s;
    if (Status s = thresholds.validate(); !s)
        return s;
    if (Status s = timeouts.validate(); !s)
        return s;
    return retries.validate();
}

QJsonObject RolloutPlanSpec::toJson() const
{
    QJsonArray windowTexts;
    for (const MaintenanceWindow &w : windows)
        windowTexts << w.toString();
    return QJsonObject{
        {QStringLiteral("split"), splitJson(split)},
        {QStringLiteral("pilotGroup"), pilotGroup},
        {QStringLiteral("windows"), windowTexts},
        {QStringLiteral("devicesPerMinute"), devicesPerMinute},
        {QStringLiteral("maxConcurrent"), maxConcurrent},
        {QStringLiteral("minutesPerDevice"), minutesPerDevice},
        {QStringLiteral("minutesBetweenWaves"), minutesBetweenWaves},
        {QStringLiteral("thresholds"),
         QJsonObject{
             {QStringLiteral("successPercent"), thresholds.successPercent},
             {QStringLiteral("pauseFailurePercent"), orNull(thresholds.pauseFailurePercent)},
             {QStringLiteral("abortFailurePercent"), orNull(thresholds.abortFailurePercent)},
             {QStringLiteral("pauseAfterFailures"), orNull(thresholds.pauseAfterFailures)},
             {QStringLiteral("abortAfterFailures"), orNull(thresholds.abortAfterFailures)},
             {QStringLiteral("minFinishedForRate"), thresholds.minFinishedForRate}}},
        {QStringLiteral("timeouts"),
         QJsonObject{{QStringLiteral("downloadMs"), timeouts.downloadMs},
                     {QStringLiteral("installMs"), timeouts.installMs},
                     {QStringLiteral("rebootMs"), timeouts.rebootMs},
                     {QStringLiteral("validationMs"), timeouts.validationMs},
                     {QStringLiteral("inProgressMs"), orNull(timeouts.inProgressMs)}}},
        {QStringLiteral("retries"), QJsonObject{{QStringLiteral("download"), retries.download},
                                                {QStringLiteral("install"), retries.install},
                                                {QStringLiteral("validation"), retries.validation},
                                                {QStringLiteral("timeout"), retries.timeout},
                                                {QStringLiteral("total"), retries.total}}},
        {QStringLiteral("autoRollback"), autoRollback},
        {QStringLiteral("requireApproval"), requireApproval},
        {QStringLiteral("approvePilot"), approvePilot}};
}

Result<RolloutPlanSpec> RolloutPlanSpec::fromJson(const QJsonObject &json)
{
    RolloutPlanSpec spec;
    auto split = splitFromJson(json.value(QStringLiteral("split")));
    if (!split)
        return split.error();
    spec.split = split.value();
    spec.pilotGroup = json.value(QStringLiteral("pilotGroup")).toString();
    for (const QJsonValue &v : json.value(QStringLiteral("windows")).toArray()) {
        auto w = MaintenanceWindow::parse(v.toString());
        if (!w)
            return Error::invalid(
                QStringLiteral("plan: window '%1': %2").arg(v.toString(), w.message()));
        spec.windows << w.value();
    }

    // Whole numbers, each with its default when absent. A table keeps the keys in one place.
    bool failed = false;
    QString problem;
    auto read = [&](const QJsonObject &o, const char *key, auto &field) {
        if (failed)
            return;
        auto v = integer(o, QLatin1String(key), qint64(field));
        if (!v) {
            failed = true;
            problem = v.message();
            return;
        }
        field = static_cast<std::remove_reference_t<decltype(field)>>(v.value());
    };
    auto readOptional = [&](const QJsonObject &o, const char *key, auto &field) {
        if (failed)
            return;
        using Value = typename std::remove_reference_t<decltype(field)>::value_type;
        auto v = optionalInteger(o, QLatin1String(key),
                                 field ? std::optional<qint64>(*field) : std::nullopt);
        if (!v) {
            failed = true;
            problem = v.message();
            return;
        }
        field = v.value() ? std::optional<Value>(Value(*v.value())) : std::nullopt;
    };
    read(json, "devicesPerMinute", spec.devicesPerMinute);
    read(json, "maxConcurrent", spec.maxConcurrent);
    read(json, "minutesPerDevice", spec.minutesPerDevice);
    read(json, "minutesBetweenWaves", spec.minutesBetweenWaves);
    const QJsonObject t = json.value(QStringLiteral("thresholds")).toObject();
    read(t, "successPercent", spec.thresholds.successPercent);
    readOptional(t, "pauseFailurePercent", spec.thresholds.pauseFailurePercent);
    readOptional(t, "abortFailurePercent", spec.thresholds.abortFailurePercent);
    readOptional(t, "pauseAfterFailures", spec.thresholds.pauseAfterFailures);
    readOptional(t, "abortAfterFailures", spec.thresholds.abortAfterFailures);
    read(t, "minFinishedForRate", spec.thresholds.minFinishedForRate);
    const QJsonObject to = json.value(QStringLiteral("timeouts")).toObject();
    read(to, "downloadMs", spec.timeouts.downloadMs);
    read(to, "installMs", spec.timeouts.installMs);
    read(to, "rebootMs", spec.timeouts.rebootMs);
    read(to, "validationMs", spec.timeouts.validationMs);
    readOptional(to, "inProgressMs", spec.timeouts.inProgressMs);
    const QJsonObject r = json.value(QStringLiteral("retries")).toObject();
    read(r, "download", spec.retries.download);
    read(r, "install", spec.retries.install);
    read(r, "validation", spec.retries.validation);
    read(r, "timeout", spec.retries.timeout);
    read(r, "total", spec.retries.total);
    auto readBool = [&](const char *key, bool &field) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (failed || v.isUndefined() || v.isNull())
            return;
        if (!v.isBool()) {
            failed = true;
            problem = QStringLiteral("plan: '%1' must be true or false").arg(QLatin1String(key));
            return;
        }
        field = v.toBool();
    };
    readBool("autoRollback", spec.autoRollback);
    readBool("requireApproval", spec.requireApproval);
    readBool("approvePilot", spec.approvePilot);
    if (failed)
        return Error::invalid(problem);
    if (Status s = spec.validate(); !s)
        return s.error();
    return spec;
}

} // namespace fleet
