#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <optional>

class QIODevice;

namespace fleet {

// Reads a CPIO archive in the "new ASCII" formats, newc ("070701") and crc ("070702", whose
// header carries the 32-bit sum of the data bytes), one entry at a time, as a stream: an entry's
// data is only held in memory when the caller asks for it (up to a limit), otherwise it is read
// past in chunks (and summed, for crc). Every number in a header is checked against what the
// archive can hold, so a hostile archive ends in an error, never in a huge allocation.
class CpioReader
{
public:
    static constexpr qint64 MaxNameSize = 4096;
    static constexpr int MaxEntries = 100000;

    struct Entry
    {
        QString name;
        quint32 mode = 0;
        qint64 size = 0;
        qint64 headerOffset = 0;
        qint64 dataOffset = 0;
        quint32 check = 0; // crc format: the sum of the data bytes
    };
    enum class Format { Newc, Crc };

    // `size` is the number of bytes the archive may occupy from the device's current position.
    CpioReader(QIODevice &device, qint64 size);

    // The next entry, or nullopt after the TRAILER!!! entry. Reads past the unread data of the
    // previous entry first.
    Result<std::optional<Entry>> next();
    // The current entry's data, when it is at most maxBytes long (else an error naming it).
    Result<QByteArray> readData(qint64 maxBytes);
    Format format() const { return m_format; }
    int entryCount() const { return m_entries; }

private:
    Result<QByteArray> readExactly(qint64 n, const QString &what);
    Status finishEntry();

    QIODevice &m_device;
    qint64 m_size;
    qint64 m_pos = 0;
    Format m_format = Format::Newc;
    int m_entries = 0;
    std::optional<Entry> m_current;
    bool m_dataConsumed = true;
    bool m_done = false;
};

} // namespace fleet
