#include "CpioReader.h"

#include <QIODevice>
#include <cctype>

namespace fleet {

namespace {

constexpr qint64 HeaderSize = 110; // 6 magic + 13 fields of 8 hex digits
constexpr qint64 ChunkSize = 64 * 1024;

qint64 padTo4(qint64 n)
{
    return (4 - (n % 4)) % 4;
}

} // namespace

CpioReader::CpioReader(QIODevice &device, qint64 size)
    : m_device(device)
    , m_size(size)
{}

Result<QByteArray> CpioReader::readExactly(qint64 n, const QString &what)
{
    if (n > m_size - m_pos)
        return Error::invalid(QStringLiteral("The archive is truncated: %1 at offset %2 needs %3 "
                                             "bytes, only %4 remain")
                                  .arg(what)
                                  .arg(m_pos)
                                  .arg(n)
                                  .arg(m_size - m_pos));
    QByteArray out;
    out.reserve(n);
    while (out.size() < n) {
        const QByteArray part = m_device.read(n - out.size());
        if (part.isEmpty())
            return Error::invalid(QStringLiteral("The archive is truncated inside %1 at offset %2")
                                      .arg(what)
                                      .arg(m_pos + out.size()));
        out += part;
    }
    m_pos += n;
    return out;
}

Status CpioReader::finishEntry()
{
    if (!m_current)
        return {};
    const Entry e = *m_current;
    if (!m_dataConsumed) {
        quint32 sum = 0;
        for (qint64 left = e.size; left > 0;) {
            auto chunk =
                readExactly(qMin(left, ChunkSize), QStringLiteral("the data of '%1'").arg(e.name));
            if (!chunk)
                return chunk.status();
            for (char c : std::as_const(chunk.value()))
                sum += quint8(c);
            left -= chunk->size();
        }
        if (m_format == Format::Crc && sum != e.check)
            return Error::invalid(QStringLiteral("The archive entry '%1' fails its checksum "
                                                 "(stored %2, computed %3): the file is corrupt")
                                      .arg(e.name)
                                      .arg(e.check)
                                      .arg(sum));
        m_dataConsumed = true;
    }
    if (const qint64 pad = padTo4(e.size); pad > 0)
        if (auto p = readExactly(pad, QStringLiteral("padding")); !p)
            return p.status();
    m_current.reset();
    return {};
}

Result<std::optional<CpioReader::Entry>> CpioReader::next()
{
    if (m_done)
        return std::optional<Entry>();
    if (Status s = finishEntry(); !s)
        return s.error();
    if (m_entries >= MaxEntries)
        return Error::invalid(
            QStringLiteral("The archive has more than %1 entries").arg(MaxEntries));
    Entry e;
    e.headerOffset = m_pos;
    auto header = readExactly(HeaderSize, QStringLiteral("an entry header"));
    if (!header)
        return header.error();
    const QByteArray &h = header.value();
    const QByteArray magic = h.left(6);
    if (magic == "070701")
        m_format = m_entries == 0 ? Format::Newc : m_format;
    else if (magic == "070702")
        m_format = m_entries == 0 ? Format::Crc : m_format;
    else if (magic == "070707")
        return Error::invalid(QStringLiteral("This is an old-style (odc) cpio archive; .swu "
                                             "bundles use the newc or crc format (cpio -H newc)"));
    else
        return Error::invalid(QStringLiteral("Not a newc/crc cpio archive: the entry at offset "
                                             "%1 starts with '%2', expected 070701 or 070702")
                                  .arg(e.headerOffset)
                                  .arg(QString::fromLatin1(magic.toHex())));
    if ((magic == "070702") != (m_format == Format::Crc))
        return Error::invalid(QStringLiteral("The archive mixes the newc and crc formats (entry "
                                             "at offset %1)")
                                  .arg(e.headerOffset));
    quint32 fields[13];
    for (int i = 0; i < 13; ++i) {
        const QByteArray text = h.mid(6 + i * 8, 8);
        bool ok = false;
        fields[i] = text.toUInt(&ok, 16);
        for (char c : text)
            ok = ok && std::isxdigit(quint8(c));
        if (!ok)
            return Error::invalid(QStringLiteral("Corrupt cpio header at offset %1: field %2 is "
                                                 "'%3', not 8 hex digits")
                                      .arg(e.headerOffset)
                                      .arg(i + 1)
                                      .arg(QString::fromLatin1(text.toHex())));
    }
    e.mode = fields[1];
    e.size = fields[6];
    const qint64 nameSize = fields[11];
    e.check = fields[12];
    if (nameSize < 2 || nameSize > MaxNameSize)
        return Error::invalid(QStringLiteral("Corrupt cpio header at offset %1: a name of %2 "
                                             "bytes (1 to %3 expected)")
                                  .arg(e.headerOffset)
                                  .arg(nameSize - 1)
                                  .arg(MaxNameSize - 1));
    auto name = readExactly(nameSize, QStringLiteral("an entry name"));
    if (!name)
        return name.error();
    if (name->at(nameSize - 1) != '\0' || name->left(nameSize - 1).contains('\0'))
        return Error::invalid(QStringLiteral("Corrupt cpio entry at offset %1: its name is not a "
                                             "single NUL-terminated string")
                                  .arg(e.headerOffset));
    e.name = QString::fromUtf8(name->left(nameSize - 1));
    if (const qint64 pad = padTo4(HeaderSize + nameSize); pad > 0)
        if (auto p = readExactly(pad, QStringLiteral("padding")); !p)
            return p.error();
    e.dataOffset = m_pos;
    if (e.size > m_size - m_pos)
        return Error::invalid(QStringLiteral("The archive is truncated: entry '%1' declares %2 "
                                             "bytes, only %3 remain")
                                  .arg(e.name)
                                  .arg(e.size)
                                  .arg(m_size - m_pos));
    if (e.name == QLatin1String("TRAILER!!!")) {
        m_done = true;
        return std::optional<Entry>();
    }
    ++m_entries;
    m_current = e;
    m_dataConsumed = e.size == 0;
    return std::optional<Entry>(e);
}

Result<QByteArray> CpioReader::readData(qint64 maxBytes)
{
    if (!m_current || m_dataConsumed)
        return QByteArray();
    const Entry &e = *m_current;
    if (e.size > maxBytes)
        return Error::invalid(QStringLiteral("The archive entry '%1' is %2 bytes, more than the %3 "
                                             "accepted")
                                  .arg(e.name)
                                  .arg(e.size)
                                  .arg(maxBytes));
    auto data = readExactly(e.size, QStringLiteral("the data of '%1'").arg(e.name));
    if (!data)
        return data;
    m_dataConsumed = true;
    if (m_format == Format::Crc) {
        quint32 sum = 0;
        for (char c : std::as_const(data.value()))
            sum += quint8(c);
        if (sum != e.check)
            return Error::invalid(QStringLiteral("The archive entry '%1' fails its checksum "
                                                 "(stored %2, computed %3): the file is corrupt")
                                      .arg(e.name)
                                      .arg(e.check)
                                      .arg(sum));
    }
    return data;
}

} // namespace fleet
