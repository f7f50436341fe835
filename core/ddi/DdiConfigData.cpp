#include "DdiConfigData.h"

#include "protocol/JsonFieldReader.h"

namespace fleet {

namespace {

const QStringList modeNames = {QStringLiteral("merge"), QStringLiteral("replace"),
                               QStringLiteral("remove")};

using Need = JsonFieldReader::Need;

} // namespace

QString DdiConfigData::modeName(Mode mode)
{
    return modeNames.at(int(mode));
}

Result<DdiConfigData> DdiConfigData::parse(const QByteArray &body)
{
    auto decoded = JsonFieldReader::decodeObject(body, maxBodyBytes, maxDepth);
    if (!decoded)
        return Error::invalid(QStringLiteral("configData: %1").arg(decoded.message()));

    DdiConfigData config;
    JsonFieldReader reader(decoded.value());
    QString mode;
    reader.choice(QStringLiteral("mode"), Need::Optional, modeNames, &mode);
    QJsonObject data;
    reader.object(QStringLiteral("data"), Need::Required, &data);
    if (reader.ok() && data.size() > maxEntries)
        reader.fail(QStringLiteral("field \"data\" has too many entries (%1; limit %2)")
                        .arg(data.size())
                        .arg(maxEntries));
    for (auto it = data.constBegin(); reader.ok() && it != data.constEnd(); ++it) {
        const QString field = reader.childPath(QStringLiteral("data")) + QLatin1Char('.') +
                              it.key().left(maxKeyLength);
        if (it.key().isEmpty() || it.key().size() > maxKeyLength)
            reader.fail(QStringLiteral("field \"data\" has a key that is empty or longer than %1 "
                                       "characters")
                            .arg(maxKeyLength));
        else if (!it.value().isString())
            reader.fail(QStringLiteral("field \"%1\" is %2; expected a string")
                            .arg(field, JsonFieldReader::typeName(it.value())));
        else if (it.value().toString().size() > maxValueLength)
            reader.fail(QStringLiteral("field \"%1\" is too long (%2 characters; limit %3)")
                            .arg(field)
                            .arg(it.value().toString().size())
                            .arg(maxValueLength));
        else
            config.data.insert(it.key(), it.value().toString());
    }
    if (!reader.ok())
        return Error::invalid(QStringLiteral("configData: %1").arg(reader.error().message));
    if (!mode.isEmpty())
        config.mode = Mode(modeNames.indexOf(mode));
    config.unknownFieldCount = int(reader.unknownFields().size());
    return config;
}

} // namespace fleet
