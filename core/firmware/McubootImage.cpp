#include "McubootImage.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFile>
#include <QtEndian>

namespace fleet {

namespace {

constexpr qint64 ChunkSize = 64 * 1024;

QString hex(quint64 v, int width)
{
    return QStringLiteral("0x%1").arg(v, width, 16, QLatin1Char('0'));
}

quint16 u16(const QByteArray &b, qsizetype at)
{
    return qFromLittleEndian<quint16>(b.constData() + at);
}

quint32 u32(const QByteArray &b, qsizetype at)
{
    return qFromLittleEndian<quint32>(b.constData() + at);
}

// Reads exactly n bytes (n is small: a header or a TLV area), or fails naming the part.
Result<QByteArray> readExactly(QIODevice &device, qint64 n, const QString &what)
{
    QByteArray out;
    out.reserve(n);
    while (out.size() < n) {
        const QByteArray part = device.read(n - out.size());
        if (part.isEmpty())
            return Error::invalid(
                QStringLiteral("The MCUboot image is truncated: the %1 ends after %2 of %3 bytes")
                    .arg(what)
                    .arg(out.size())
                    .arg(n));
        out += part;
    }
    return out;
}

// Splits a TLV area (without its 4-byte info header) into entries, checking every length.
Status parseTlvs(const QByteArray &area, qint64 areaOffset, bool isProtected,
                 QList<McubootImage::Tlv> &out)
{
    qsizetype pos = 0;
    while (pos < area.size()) {
        const qint64 at = areaOffset + pos;
        if (area.size() - pos < 4)
            return Error::invalid(QStringLiteral("Corrupt MCUboot TLV area: an entry at offset %1 "
                                                 "is cut off (%2 bytes left, a TLV header needs "
                                                 "4)")
                                      .arg(at)
                                      .arg(area.size() - pos));
        McubootImage::Tlv tlv;
        tlv.type = u16(area, pos);
        tlv.length = u16(area, pos + 2);
        tlv.isProtected = isProtected;
        tlv.offset = at + 4;
        if (tlv.length > area.size() - pos - 4)
            return Error::invalid(QStringLiteral("Corrupt MCUboot TLV area: TLV type %1 at offset "
                                                 "%2 claims %3 bytes but only %4 remain in its "
                                                 "area")
                                      .arg(hex(tlv.type, 2))
                                      .arg(at)
                                      .arg(tlv.length)
                                      .arg(area.size() - pos - 4));
        tlv.value = area.mid(pos + 4, tlv.length);
        out << tlv;
        pos += 4 + tlv.length;
    }
    return {};
}

} // namespace

bool McubootImage::looksLikeImage(const QByteArray &firstBytes)
{
    return firstBytes.size() >= 4 && u32(firstBytes, 0) == Magic;
}

Result<McubootImage> McubootImage::parse(const QByteArray &bytes)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return read(buffer, bytes.size());
}

Result<McubootImage> McubootImage::readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read the image '%1': %2").arg(path, f.errorString()));
    return read(f, f.size());
}

Result<McubootImage> McubootImage::read(QIODevice &device, qint64 size)
{
    if (size < HeaderSize)
        return Error::invalid(QStringLiteral("Not an MCUboot image: %1 bytes is shorter than the "
                                             "32-byte image header")
                                  .arg(size));
    auto header = readExactly(device, HeaderSize, QStringLiteral("image header"));
    if (!header)
        return header.error();
    const QByteArray &h = header.value();
    const quint32 magic = u32(h, 0);
    if (magic == MagicV1)
        return Error::invalid(QStringLiteral("This is a legacy (V1, magic 0x96f3b83c) MCUboot "
                                             "image; rebuild it with a current imgtool"));
    if (magic != Magic)
        return Error::invalid(QStringLiteral("Not an MCUboot image: the magic is %1, expected "
                                             "0x96f3b83d")
                                  .arg(hex(magic, 8)));

    McubootImage img;
    img.m_loadAddress = u32(h, 4);
    img.m_headerSize = u16(h, 8);
    img.m_protectedTlvSize = u16(h, 10);
    img.m_imageSize = u32(h, 12);
    img.m_flags = u32(h, 16);
    img.m_major = quint8(h.at(20));
    img.m_minor = quint8(h.at(21));
    img.m_revision = u16(h, 22);
    img.m_build = u32(h, 24);
    img.m_version =
        SemanticVersion::fromMcuboot(img.m_major, img.m_minor, img.m_revision, img.m_build);

    if (img.m_headerSize < HeaderSize)
        return Error::invalid(QStringLiteral("Corrupt MCUboot header: header size %1 is below the "
                                             "32 bytes of the header itself")
                                  .arg(img.m_headerSize));
    // 64-bit arithmetic: none of these sums can overflow.
    const qint64 tlvStart = qint64(img.m_headerSize) + img.m_imageSize;
    const qint64 protectedEnd = tlvStart + img.m_protectedTlvSize;
    if (protectedEnd + 4 > size)
        return Error::invalid(QStringLiteral("The MCUboot image is truncated: its header declares "
                                             "%1 bytes of header and payload%2 plus a TLV area, "
                                             "but the file has %3 bytes")
                                  .arg(tlvStart)
                                  .arg(img.m_protectedTlvSize
                                           ? QStringLiteral(" and %1 bytes of protected TLVs")
                                                 .arg(img.m_protectedTlvSize)
                                           : QString())
                                  .arg(size));
    if (img.m_protectedTlvSize != 0 && img.m_protectedTlvSize < 4)
        return Error::invalid(QStringLiteral("Corrupt MCUboot header: a protected TLV size of %1 "
                                             "cannot hold its own 4-byte info header")
                                  .arg(img.m_protectedTlvSize));

    // Which hash the TLV holds is only known at the end, so the covered bytes feed all three.
    QCryptographicHash sha256(QCryptographicHash::Sha256);
    QCryptographicHash sha384(QCryptographicHash::Sha384);
    QCryptographicHash sha512(QCryptographicHash::Sha512);
    auto addToHashes = [&](const QByteArray &bytes) {
        sha256.addData(bytes);
        sha384.addData(bytes);
        sha512.addData(bytes);
    };
    addToHashes(h);
    for (qint64 done = HeaderSize; done < tlvStart;) {
        const QByteArray chunk = device.read(qMin(ChunkSize, tlvStart - done));
        if (chunk.isEmpty())
            return Error::invalid(QStringLiteral("The MCUboot image is truncated: the payload "
                                                 "ends at byte %1 of %2")
                                      .arg(done)
                                      .arg(tlvStart));
        addToHashes(chunk);
        done += chunk.size();
    }

    if (img.m_protectedTlvSize > 0) {
        auto area =
            readExactly(device, img.m_protectedTlvSize, QStringLiteral("protected TLV area"));
        if (!area)
            return area.error();
        const quint16 infoMagic = u16(*area, 0);
        const quint16 total = u16(*area, 2);
        if (infoMagic != ProtectedTlvInfoMagic)
            return Error::invalid(QStringLiteral("Corrupt MCUboot image: the header declares a "
                                                 "protected TLV area at offset %1, but its magic "
                                                 "is %2 (expected 0x6908)")
                                      .arg(tlvStart)
                                      .arg(hex(infoMagic, 4)));
        if (total != img.m_protectedTlvSize)
            return Error::invalid(QStringLiteral("Corrupt MCUboot image: the protected TLV area "
                                                 "says it is %1 bytes, the header says %2")
                                      .arg(total)
                                      .arg(img.m_protectedTlvSize));
        addToHashes(*area);
        if (Status s = parseTlvs(area->mid(4), tlvStart + 4, true, img.m_tlvs); !s)
            return s.error();
    }

    auto info = readExactly(device, 4, QStringLiteral("TLV info header"));
    if (!info)
        return info.error();
    const quint16 infoMagic = u16(*info, 0);
    const quint16 total = u16(*info, 2);
    if (infoMagic == ProtectedTlvInfoMagic)
        return Error::invalid(QStringLiteral("Corrupt MCUboot image: a protected TLV area starts "
                                             "at offset %1 but the header's protected TLV size "
                                             "is 0")
                                  .arg(protectedEnd));
    if (infoMagic != TlvInfoMagic)
        return Error::invalid(QStringLiteral("Corrupt MCUboot image: expected the TLV area "
                                             "(magic 0x6907) at offset %1, found %2; the header's "
                                             "image size may be wrong")
                                  .arg(protectedEnd)
                                  .arg(hex(infoMagic, 4)));
    if (total < 4)
        return Error::invalid(QStringLiteral("Corrupt MCUboot image: the TLV area says it is %1 "
                                             "bytes, less than its own 4-byte header")
                                  .arg(total));
    if (protectedEnd + total > size)
        return Error::invalid(QStringLiteral("The MCUboot image is truncated: the TLV area "
                                             "declares %1 bytes, only %2 remain in the file")
                                  .arg(total)
                                  .arg(size - protectedEnd));
    auto area = readExactly(device, total - 4, QStringLiteral("TLV area"));
    if (!area)
        return area.error();
    if (Status s = parseTlvs(*area, protectedEnd + 4, false, img.m_tlvs); !s)
        return s.error();
    img.m_totalSize = protectedEnd + total;
    img.m_trailing = size - img.m_totalSize;

    const Tlv *hashTlv = nullptr;
    for (const Tlv &t : std::as_const(img.m_tlvs)) {
        if (t.type != Sha256 && t.type != Sha384 && t.type != Sha512)
            continue;
        if (hashTlv)
            return Error::invalid(QStringLiteral("Corrupt MCUboot image: it carries more than one "
                                                 "image hash TLV (at offsets %1 and %2)")
                                      .arg(hashTlv->offset)
                                      .arg(t.offset));
        hashTlv = &t;
    }
    if (!hashTlv)
        return Error::invalid(QStringLiteral("The MCUboot image has no image hash TLV "
                                             "(SHA256/384/512): MCUboot would not boot it"));
    QCryptographicHash *computed = nullptr;
    int expectedLength = 0;
    switch (hashTlv->type) {
    case Sha256:
        img.m_hashAlgorithm = QStringLiteral("SHA256");
        computed = &sha256;
        expectedLength = 32;
        break;
    case Sha384:
        img.m_hashAlgorithm = QStringLiteral("SHA384");
        computed = &sha384;
        expectedLength = 48;
        break;
    default:
        img.m_hashAlgorithm = QStringLiteral("SHA512");
        computed = &sha512;
        expectedLength = 64;
        break;
    }
    if (hashTlv->length != expectedLength)
        return Error::invalid(QStringLiteral("Corrupt MCUboot image: the %1 TLV is %2 bytes, "
                                             "expected %3")
                                  .arg(img.m_hashAlgorithm)
                                  .arg(hashTlv->length)
                                  .arg(expectedLength));
    const QByteArray actual = computed->result();
    if (actual != hashTlv->value)
        return Error::invalid(QStringLiteral("The MCUboot image's %1 TLV (%2) does not match its "
                                             "bytes (%3): the file is corrupt or was changed "
                                             "after it was built")
                                  .arg(img.m_hashAlgorithm,
                                       QString::fromLatin1(hashTlv->value.toHex()),
                                       QString::fromLatin1(actual.toHex())));
    img.m_imageHash = actual;
    return img;
}

QStringList McubootImage::flagNames() const
{
    static const struct
    {
        quint32 bit;
        const char *name;
    } known[] = {{0x1, "PIC"},
                 {0x4, "ENCRYPTED_AES128"},
                 {0x8, "ENCRYPTED_AES256"},
                 {0x10, "NON_BOOTABLE"},
                 {0x20, "RAM_LOAD"},
                 {0x100, "ROM_FIXED"},
                 {0x200, "COMPRESSED_LZMA1"},
                 {0x400, "COMPRESSED_LZMA2"},
                 {0x800, "COMPRESSED_ARM_THUMB"}};
    QStringList names;
    quint32 rest = m_flags;
    for (const auto &k : known) {
        if (m_flags & k.bit)
            names << QLatin1String(k.name);
        rest &= ~k.bit;
    }
    for (int bit = 0; bit < 32; ++bit)
        if (rest & (1u << bit))
            names << hex(1u << bit, 8);
    return names;
}

QByteArray McubootImage::keyHash() const
{
    for (const Tlv &t : m_tlvs)
        if (t.type == KeyHash)
            return t.value;
    return {};
}

QStringList McubootImage::signatureTypes() const
{
    bool pure = false;
    for (const Tlv &t : m_tlvs)
        pure = pure || t.type == SigPure;
    QStringList types;
    for (const Tlv &t : m_tlvs) {
        QString name;
        switch (t.type) {
        case Rsa2048Pss:
            name = QStringLiteral("RSA2048-PSS");
            break;
        case Rsa3072Pss:
            name = QStringLiteral("RSA3072-PSS");
            break;
        case Ecdsa224:
            name = QStringLiteral("ECDSA P-224");
            break;
        case EcdsaSig:
            // One TLV type for both curves; a DER signature over P-256 is at most 72 bytes.
            name = t.length <= 72 ? QStringLiteral("ECDSA P-256") : QStringLiteral("ECDSA P-384");
            break;
        case Ed25519:
            name = pure ? QStringLiteral("ED25519 (pure)") : QStringLiteral("ED25519");
            break;
        default:
            continue;
        }
        if (!types.contains(name))
            types << name;
    }
    return types;
}

QStringList McubootImage::encryptionTypes() const
{
    QStringList types;
    for (const Tlv &t : m_tlvs) {
        switch (t.type) {
        case EncRsa2048:
            types << QStringLiteral("RSA2048-OAEP");
            break;
        case EncKw:
            types << QStringLiteral("AES-KW");
            break;
        case EncEc256:
            types << QStringLiteral("ECIES-P256");
            break;
        case EncX25519:
            types << QStringLiteral("ECIES-X25519");
            break;
        case EncX25519Sha512:
            types << QStringLiteral("ECIES-X25519-SHA512");
            break;
        default:
            break;
        }
    }
    return types;
}

} // namespace fleet
