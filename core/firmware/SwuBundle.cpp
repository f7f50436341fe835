#include "SwuBundle.h"

#include "firmware/CpioReader.h"
#include "firmware/LibconfigReader.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace fleet {

namespace {

constexpr int MaxJsonDepth = 64;

// SWUpdate's JSON parser reads the same tree as its libconfig one; map it onto LibconfigValue.
LibconfigValue fromJson(const QJsonValue &json, const QString &name, int depth)
{
    LibconfigValue v;
    v.name = name;
    if (depth > MaxJsonDepth) {
        v.type = LibconfigValue::Type::String;
        return v;
    }
    if (json.isObject()) {
        v.type = LibconfigValue::Type::Group;
        const QJsonObject o = json.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            v.children.push_back(fromJson(it.value(), it.key(), depth + 1));
    } else if (json.isArray()) {
        v.type = LibconfigValue::Type::List;
        for (const QJsonValue &e : json.toArray())
            v.children.push_back(fromJson(e, {}, depth + 1));
    } else if (json.isBool()) {
        v.type = LibconfigValue::Type::Boolean;
        v.boolean = json.toBool();
    } else if (json.isDouble()) {
        const double d = json.toDouble();
        if (d == double(qint64(d))) {
            v.type = LibconfigValue::Type::Integer;
            v.integer = qint64(d);
        } else {
            v.type = LibconfigValue::Type::Float;
            v.real = d;
        }
    } else {
        v.type = LibconfigValue::Type::String;
        v.string = json.toString();
    }
    return v;
}

// Hardware lists of board sections: software.<board>.hardware-compatibility and one level
// deeper, software.<board>.<selection>.hardware-compatibility.
void collectHardware(const LibconfigValue &group, const QString &path, int depth,
                     QMap<QString, QStringList> &out)
{
    if (const LibconfigValue *hw = group.member(QStringLiteral("hardware-compatibility")))
        out[path] += hw->scalarTexts();
    if (depth >= 2)
        return;
    for (const LibconfigValue &c : group.children)
        if (c.isGroup())
            collectHardware(c, path.isEmpty() ? c.name : path + QLatin1Char('.') + c.name,
                            depth + 1, out);
}

// File names sw-description refers to in images/files/scripts, wherever they are.
void collectFileNames(const LibconfigValue &v, int depth, QStringList &out)
{
    if (depth > 8)
        return;
    for (const LibconfigValue &c : v.children) {
        if ((c.name == QLatin1String("images") || c.name == QLatin1String("files") ||
             c.name == QLatin1String("scripts")) &&
            c.type == LibconfigValue::Type::List) {
            for (const LibconfigValue &item : c.children) {
                const LibconfigValue *f = item.member(QStringLiteral("filename"));
                // Artifacts fetched from elsewhere (url) or streamed are not in the archive.
                if (f && f->type == LibconfigValue::Type::String &&
                    !item.member(QStringLiteral("url")) && !out.contains(f->string))
                    out << f->string;
            }
        } else if (c.isGroup()) {
            collectFileNames(c, depth + 1, out);
        }
    }
}

} // namespace

bool SwuBundle::looksLikeBundle(const QByteArray &firstBytes)
{
    return firstBytes.startsWith("070701") || firstBytes.startsWith("070702");
}

Result<SwuBundle> SwuBundle::parse(const QByteArray &bytes)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return read(buffer, bytes.size());
}

Result<SwuBundle> SwuBundle::readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read the bundle '%1': %2").arg(path, f.errorString()));
    return read(f, f.size());
}

Result<SwuBundle> SwuBundle::read(QIODevice &device, qint64 size)
{
    CpioReader cpio(device, size);
    SwuBundle bundle;
    for (;;) {
        auto entry = cpio.next();
        if (!entry)
            return Error::invalid(
                QStringLiteral("Not a valid .swu bundle: %1").arg(entry.message()));
        if (!entry->has_value())
            break;
        const CpioReader::Entry &e = **entry;
        if (bundle.m_entries.isEmpty()) {
            bundle.m_format = cpio.format() == CpioReader::Format::Crc ? QStringLiteral("crc")
                                                                       : QStringLiteral("newc");
            if (e.name != QLatin1String("sw-description"))
                return Error::invalid(QStringLiteral("Not a valid .swu bundle: its first entry is "
                                                     "'%1', SWUpdate requires 'sw-description'")
                                          .arg(e.name));
            auto text = cpio.readData(MaxDescriptionSize);
            if (!text)
                return Error::invalid(
                    QStringLiteral("Not a valid .swu bundle: %1").arg(text.message()));
            bundle.m_swDescription = text.value();
        }
        for (const Entry &seen : std::as_const(bundle.m_entries))
            if (seen.name == e.name)
                return Error::invalid(QStringLiteral("Not a valid .swu bundle: the entry '%1' "
                                                     "appears twice")
                                          .arg(e.name));
        if (e.name == QLatin1String("sw-description.sig"))
            bundle.m_signed = true;
        bundle.m_entries << Entry{e.name, e.size};
    }
    if (bundle.m_entries.isEmpty())
        return Error::invalid(QStringLiteral("Not a valid .swu bundle: the archive is empty"));
    if (Status s = bundle.interpretDescription(); !s)
        return s.error();
    return bundle;
}

Status SwuBundle::interpretDescription()
{
    LibconfigValue root;
    if (m_swDescription.trimmed().startsWith('{')) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(m_swDescription, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return Error::invalid(QStringLiteral("The bundle's sw-description is not valid JSON: "
                                                 "%1 at offset %2")
                                      .arg(err.errorString())
                                      .arg(err.offset));
        root = fromJson(doc.object(), {}, 0);
    } else {
        auto parsed = LibconfigReader::parse(m_swDescription);
        if (!parsed)
            return Error::invalid(QStringLiteral("The bundle's sw-description cannot be read: %1")
                                      .arg(parsed.message()));
        root = std::move(parsed.value());
    }
    const LibconfigValue *software = root.member(QStringLiteral("software"));
    if (!software || !software->isGroup())
        return Error::invalid(QStringLiteral("The bundle's sw-description has no 'software' "
                                             "group"));
    const LibconfigValue *version = software->member(QStringLiteral("version"));
    if (!version || !version->isScalar() || version->scalarText().trimmed().isEmpty())
        return Error::invalid(QStringLiteral("The bundle's sw-description has no software "
                                             "version (software.version)"));
    m_versionText = version->scalarText().trimmed();
    if (auto v = SemanticVersion::parse(m_versionText))
        m_version = v.value();
    else
        m_versionError = v.message();
    if (const LibconfigValue *n = software->member(QStringLiteral("name")); n && n->isScalar())
        m_name = n->scalarText();
    if (const LibconfigValue *d = software->member(QStringLiteral("description"));
        d && d->isScalar())
        m_description = d->scalarText();
    collectHardware(*software, {}, 0, m_hardwareByBoard);
    for (const QStringList &list : std::as_const(m_hardwareByBoard))
        for (const QString &hw : list)
            if (!m_hardware.contains(hw))
                m_hardware << hw;
    QStringList referenced;
    collectFileNames(*software, 0, referenced);
    for (const QString &f : std::as_const(referenced)) {
        bool present = false;
        for (const Entry &e : std::as_const(m_entries))
            present = present || e.name == f;
        if (!present)
            m_missing << f;
    }
    return {};
}

} // namespace fleet
