#pragma once

// Firmware files built in code for the tests: MCUboot images as imgtool lays them out, and
// CPIO archives (newc "070701" and crc "070702") as SWUpdate's .swu bundles are. Written from
// the formats' definitions, independently of the parsers under test.

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QList>
#include <QPair>
#include <QtEndian>

namespace fleet::test {

// The whole content of a (small) file, or empty when it cannot be read.
inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct McubootImageBuilder
{
    quint32 magic = 0x96f3b83d;
    quint32 loadAddress = 0;
    quint16 headerSize = 32; // imgtool's -H; the header is zero-padded to it
    quint32 flags = 0;
    quint8 major = 1;
    quint8 minor = 2;
    quint16 revision = 3;
    quint32 buildNumber = 0;
    QByteArray payload = QByteArray(1000, 'P');
    QList<QPair<quint16, QByteArray>> protectedTlvs;
    QList<QPair<quint16, QByteArray>> tlvs; // besides the hash TLV, which comes first
    QCryptographicHash::Algorithm hash = QCryptographicHash::Sha256;
    bool withHash = true;

    static void put16(QByteArray &b, quint16 v)
    {
        char raw[2];
        qToLittleEndian(v, raw);
        b.append(raw, 2);
    }
    static void put32(QByteArray &b, quint32 v)
    {
        char raw[4];
        qToLittleEndian(v, raw);
        b.append(raw, 4);
    }
    static QByteArray tlvArea(quint16 magic, const QList<QPair<quint16, QByteArray>> &entries)
    {
        QByteArray body;
        for (const auto &e : entries) {
            put16(body, e.first);
            put16(body, quint16(e.second.size()));
            body += e.second;
        }
        QByteArray area;
        put16(area, magic);
        put16(area, quint16(body.size() + 4));
        return area + body;
    }

    QByteArray bytes() const
    {
        const QByteArray prot =
            protectedTlvs.isEmpty() ? QByteArray() : tlvArea(0x6908, protectedTlvs);
        QByteArray img;
        put32(img, magic);
        put32(img, loadAddress);
        put16(img, headerSize);
        put16(img, quint16(prot.size()));
        put32(img, quint32(payload.size()));
        put32(img, flags);
        img.append(char(major));
        img.append(char(minor));
        put16(img, revision);
        put32(img, buildNumber);
        put32(img, 0);
        img += QByteArray(headerSize - 32, '\0');
        img += payload;
        img += prot;
        QList<QPair<quint16, QByteArray>> all;
        if (withHash) {
            const quint16 type = hash == QCryptographicHash::Sha256   ? 0x10
                                 : hash == QCryptographicHash::Sha384 ? 0x11
                                                                      : 0x12;
            all << qMakePair(type, QCryptographicHash::hash(img, hash));
        }
        all += tlvs;
        return img + tlvArea(0x6907, all);
    }
};

// A CPIO archive in the "new ASCII" format: newc ("070701", check 0) or crc ("070702", check =
// 32-bit sum of the data bytes), each header and data padded to 4 bytes, ending in TRAILER!!!.
struct CpioBuilder
{
    bool crc = false;
    QList<QPair<QByteArray, QByteArray>> entries;

    CpioBuilder &add(const QByteArray &name, const QByteArray &data)
    {
        entries << qMakePair(name, data);
        return *this;
    }

    static QByteArray field(quint32 v) { return QByteArray::number(v, 16).rightJustified(8, '0'); }
    static void pad4(QByteArray &b)
    {
        while (b.size() % 4)
            b.append('\0');
    }
    static QByteArray entry(bool crc, quint32 ino, const QByteArray &name, const QByteArray &data,
                            quint32 mode = 0100644)
    {
        quint32 sum = 0;
        if (crc)
            for (char c : data)
                sum += quint8(c);
        QByteArray b = crc ? "070702" : "070701";
        const quint32 fields[] = {ino,
                                  mode,
                                  0,
                                  0,
                                  1,
                                  1700000000,
                                  quint32(data.size()),
                                  0,
                                  0,
                                  0,
                                  0,
                                  quint32(name.size() + 1),
                                  sum};
        for (quint32 f : fields)
            b += field(f);
        b += name;
        b.append('\0');
        pad4(b);
        b += data;
        pad4(b);
        return b;
    }

    QByteArray bytes() const
    {
        QByteArray out;
        quint32 ino = 1;
        for (const auto &e : entries)
            out += entry(crc, ino++, e.first, e.second);
        out += entry(crc, 0, "TRAILER!!!", {}, 0);
        return out;
    }
};

inline QByteArray sampleSwDescription(const QByteArray &version = "2.1.0")
{
    return "software =\n{\n"
           "    version = \"" +
           version +
           "\";\n"
           "    description = \"Gateway root file system\";\n"
           "    hardware-compatibility: [ \"1.0\", \"1.2\" ];\n"
           "    files: (\n"
           "        {\n"
           "            filename = \"app.bin\";\n"
           "            path = \"/tmp/app.bin\";\n"
           "            sha256 = \"" +
           QCryptographicHash::hash("APPDATA", QCryptographicHash::Sha256).toHex() +
           "\";\n"
           "        }\n"
           "    );\n"
           "};\n";
}

inline QByteArray sampleSwu(const QByteArray &version = "2.1.0", bool crc = false)
{
    CpioBuilder b;
    b.crc = crc;
    b.add("sw-description", sampleSwDescription(version));
    b.add("sw-description.sig", QByteArray(256, 'S'));
    b.add("app.bin", "APPDATA");
    return b.bytes();
}

} // namespace fleet::test
