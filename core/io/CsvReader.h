#pragma once

#include <QByteArray>
#include <QString>
#include <QStringDecoder>
#include <QStringList>

class QCryptographicHash;
class QIODevice;

namespace fleet {

// Reads RFC 4180 CSV one record at a time from a file or buffer: quoted fields with commas,
// line breaks and doubled quotes, CRLF / LF / CR line ends, an optional UTF-8 byte order mark.
// Memory stays bounded by the record size limit whatever the input: a record over the limit is
// skipped (its bytes are scanned, not kept) and reported as a bad record, as are invalid UTF-8
// and broken quoting. Blank lines are skipped. Line numbers are physical lines, 1-based.
class CsvReader
{
public:
    struct Options
    {
        // Largest record kept, in bytes: one line, or several when a quoted field holds line
        // breaks.
        qint64 maxLineBytes = 1 << 20;
        // How much is read from the device at a time.
        qint64 chunkBytes = 64 << 10;
    };

    enum class Next {
        Record,    // fields() holds the record
        BadRecord, // errorMessage() says why and errorLine() where; reading can go on
        End,       // no more records
        ReadFailed // the device could not be read; errorMessage() says why
    };

    explicit CsvReader(QIODevice &in)
        : CsvReader(in, Options())
    {}
    CsvReader(QIODevice &in, Options options);
    CsvReader(const CsvReader &) = delete;
    CsvReader &operator=(const CsvReader &) = delete;

    // Also feeds every byte read (byte order mark included) to `hash`, e.g. for the file's
    // SHA-256 in the audit trail. Set before the first next().
    void setHash(QCryptographicHash *hash) { m_hash = hash; }

    Next next();
    const QStringList &fields() const { return m_fields; }
    // The physical line the last record (good or bad) starts on.
    qint64 line() const { return m_recordLine; }
    // The physical line of the problem in a bad record.
    qint64 errorLine() const { return m_errorLine; }
    const QString &errorMessage() const { return m_error; }
    qint64 bytesRead() const { return m_bytesRead; }

private:
    enum class State { RecordStart, FieldStart, Unquoted, Quoted, QuoteInQuoted, SkipToLineEnd };
    enum class Fill { Data, Eof, Failed };

    Fill fill();
    void consumeLineBreak(char c);
    void append(const char *data, qsizetype size);
    void endField();
    void countRecordBytes(qsizetype size);
    void fail(const QString &message, qint64 line);
    Next finishRecord();
    Next finishAtEof();

    QIODevice &m_in;
    Options m_options;
    QCryptographicHash *m_hash = nullptr;
    QStringDecoder m_decoder{QStringDecoder::Utf8, QStringDecoder::Flag::Stateless};

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
    bool m_started = false;
    bool m_eof = false;
    qint64 m_bytesRead = 0;

    State m_state = State::RecordStart;
    qint64 m_line = 1;
    bool m_prevCr = false; // the last byte consumed was a CR: a following LF ends no new line
    qint64 m_recordLine = 0;
    qint64 m_fieldLine = 0;
    qint64 m_recordBytes = 0;
    bool m_tooLong = false;

    QByteArray m_field; // the current field's bytes, unescaped
    bool m_fieldAscii = true;
    QStringList m_fields;
    QString m_error;
    qint64 m_errorLine = 0;
};

} // namespace fleet
