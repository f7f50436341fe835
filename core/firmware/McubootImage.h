#pragma once

#include "firmware/SemanticVersion.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

class QIODevice;

namespace fleet {

// An MCUboot application image (imgtool's output): the 32-byte header, the payload, and the
// TLV areas after it (mcu-tools/mcuboot boot/bootutil/include/bootutil/image.h, docs/design.md).
//
//   [header, zero-padded to hdr_size][payload: img_size bytes]
//   [protected TLV info 0x6908, tlv_tot][protected TLVs]      (only if protect_tlv_size > 0)
//   [TLV info 0x6907, tlv_tot][TLVs: type u16, len u16, value] (always)
//
// All numbers are little-endian. The image hash TLV (SHA-256/384/512) covers the header, the
// payload and the protected TLV area; read() recomputes it from the bytes and refuses an image
// whose TLV does not match. The reader streams: memory stays bounded by the TLV areas (each at
// most 64 KiB), whatever the payload size, and no length is trusted before it is checked
// against what remains.
class McubootImage
{
public:
    static constexpr quint32 Magic = 0x96f3b83d;
    static constexpr quint32 MagicV1 = 0x96f3b83c;
    static constexpr int HeaderSize = 32;
    static constexpr quint16 TlvInfoMagic = 0x6907;
    static constexpr quint16 ProtectedTlvInfoMagic = 0x6908;

    enum TlvType : quint16 {
        KeyHash = 0x01,
        PublicKey = 0x02,
        Sha256 = 0x10,
        Sha384 = 0x11,
        Sha512 = 0x12,
        Rsa2048Pss = 0x20,
        Ecdsa224 = 0x21,
        EcdsaSig = 0x22,
        Rsa3072Pss = 0x23,
        Ed25519 = 0x24,
        SigPure = 0x25,
        EncRsa2048 = 0x30,
        EncKw = 0x31,
        EncEc256 = 0x32,
        EncX25519 = 0x33,
        EncX25519Sha512 = 0x34,
        Dependency = 0x40,
        SecurityCounter = 0x50,
        BootRecord = 0x60,
    };

    struct Tlv
    {
        quint16 type = 0;
        quint16 length = 0;
        qint64 offset = 0; // of the value, from the start of the file
        bool isProtected = false;
        QByteArray value;
    };

    // Reads from the device's current position to the end of the TLV area. `size` is how many
    // bytes the image may occupy (the file size); bytes after the TLV area (slot padding) are
    // allowed and counted in trailingBytes().
    static Result<McubootImage> read(QIODevice &device, qint64 size);
    static Result<McubootImage> parse(const QByteArray &bytes);
    static Result<McubootImage> readFile(const QString &path);
    // True when the bytes start with the image magic (a cheap check for kind detection).
    static bool looksLikeImage(const QByteArray &firstBytes);

    quint32 loadAddress() const { return m_loadAddress; }
    quint16 headerSize() const { return m_headerSize; }
    quint16 protectedTlvSize() const { return m_protectedTlvSize; }
    quint32 imageSize() const { return m_imageSize; }
    quint32 flags() const { return m_flags; }
    // Names of the set flags ("PIC", "ENCRYPTED_AES128", ..., "0x80000000" for unknown bits).
    QStringList flagNames() const;
    SemanticVersion version() const { return m_version; }
    quint8 versionMajor() const { return m_major; }
    quint8 versionMinor() const { return m_minor; }
    quint16 versionRevision() const { return m_revision; }
    quint32 buildNumber() const { return m_build; }

    const QList<Tlv> &tlvs() const { return m_tlvs; }
    // "SHA256", "SHA384" or "SHA512", and the hash from the TLV (verified against the bytes).
    QString hashAlgorithm() const { return m_hashAlgorithm; }
    QByteArray imageHash() const { return m_imageHash; }
    QByteArray keyHash() const; // the KEYHASH TLV, empty when absent
    // Signature kinds present: "RSA2048-PSS", "RSA3072-PSS", "ECDSA P-256", "ECDSA P-384",
    // "ECDSA P-224", "ED25519" (with " (pure)" when SIG_PURE is set).
    QStringList signatureTypes() const;
    QStringList encryptionTypes() const;
    // Bytes from the start of the header to the end of the last TLV area.
    qint64 totalSize() const { return m_totalSize; }
    qint64 trailingBytes() const { return m_trailing; }

private:
    quint32 m_loadAddress = 0;
    quint16 m_headerSize = 0;
    quint16 m_protectedTlvSize = 0;
    quint32 m_imageSize = 0;
    quint32 m_flags = 0;
    quint8 m_major = 0;
    quint8 m_minor = 0;
    quint16 m_revision = 0;
    quint32 m_build = 0;
    SemanticVersion m_version;
    QList<Tlv> m_tlvs;
    QString m_hashAlgorithm;
    QByteArray m_imageHash;
    qint64 m_totalSize = 0;
    qint64 m_trailing = 0;
};

} // namespace fleet
