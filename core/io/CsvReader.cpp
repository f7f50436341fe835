#include "CsvReader.h"

#include <QCryptographicHash>
#include <QIODevice>

namespace fleet {

namespace {

constexpr qsizetype kBomSize = 3;

bool isUtf8Bom(const char *data)
{
    return static_cast<unsigned char>(data[0]) == 0xEF &&
           static_cast<unsigned char>(data[1]) == 0xBB &&
           static_cast<unsigned char>(data[2]) == 0xBF;
}

} // namespace

CsvReader::CsvReader(QIODevice &in, Options options)
    : m_in(in)
    , m_options(options)
{
    if (m_options.chunkBytes < 1)
        m_options.chunkBytes = 1;
    if (m_options.maxLineBytes < 1)
        m_options.maxLineBytes = 1;
}

CsvReader::Fill CsvReader::fill()
{
    if (m_eof)
        return Fill::Eof;
    // The first read takes at least the three bytes of a byte order mark, whatever the chunk.
    const qsizetype chunk = qsizetype(m_options.chunkBytes);
    const qsizetype want = m_started ? chunk : qMax(chunk, kBomSize);
    if (m_buffer.size() < want)
        m_buffer.resize(want);
    m_pos = 0;
    m_end = 0;
    do {
        const qint64 n = m_in.read(m_buffer.data() + m_end, want - m_end);
        if (n < 0) {
            m_error = QStringLiteral("Could not read the file: %1").arg(m_in.errorString());
            return Fill::Failed;
        }
        if (n == 0) {
            m_eof = true;
            break;
        }
        if (m_hash)
            m_hash->addData(QByteArrayView(m_buffer.constData() + m_end, qsizetype(n)));
        m_bytesRead += n;
        m_end += qsizetype(n);
    } while (!m_started && m_end < kBomSize);
    if (!m_started) {
        m_started = true;
        if (m_end >= kBomSize && isUtf8Bom(m_buffer.constData()))
            m_pos = kBomSize;
    }
    if (m_pos < m_end)
        return Fill::Data;
    return m_eof ? Fill::Eof : fill(); // the first read held only the byte order mark
}

void CsvReader::consumeLineBreak(char c)
{
    // CRLF, LF and a lone CR each end one line.
    if (c == '\r')
        ++m_line;
    else if (!m_prevCr)
        ++m_line;
    m_prevCr = c == '\r';
    ++m_pos;
}

void CsvReader::countRecordBytes(qsizetype size)
{
    m_recordBytes += size;
    if (m_tooLong || m_recordBytes <= m_options.maxLineBytes)
        return;
    // Keep scanning to find where the record ends, but drop what was kept: the limit is what
    // bounds memory for hostile input (a 10 GB line, a quote that never closes).
    m_tooLong = true;
    if (m_error.isEmpty())
        fail(QStringLiteral("The line is longer than the limit of %1 bytes (is a quote not "
                            "closed?)")
                 .arg(m_options.maxLineBytes),
             m_recordLine);
    m_field = QByteArray();
    m_fields = QStringList();
}

void CsvReader::append(const char *data, qsizetype size)
{
    countRecordBytes(size);
    if (!m_tooLong)
        m_field.append(data, size);
}

void CsvReader::endField()
{
    if (m_tooLong)
        return;
    if (m_fieldAscii) {
        m_fields.append(QString::fromLatin1(m_field));
    } else {
        // Stateless: a sequence cut off at the end of the field is an error too.
        m_decoder.resetState();
        QString text = m_decoder.decode(m_field);
        if (m_decoder.hasError() && m_error.isEmpty())
            fail(QStringLiteral("Field %1 is not valid UTF-8: save the file as UTF-8")
                     .arg(m_fields.size() + 1),
                 m_fieldLine);
        m_fields.append(std::move(text));
    }
    m_field.resize(0);
    m_fieldAscii = true;
}

void CsvReader::fail(const QString &message, qint64 line)
{
    if (!m_error.isEmpty())
        return;
    m_error = message;
    m_errorLine = line;
}

CsvReader::Next CsvReader::finishRecord()
{
    m_state = State::RecordStart;
    if (m_error.isEmpty())
        return Next::Record;
    m_fields.clear();
    return Next::BadRecord;
}

CsvReader::Next CsvReader::finishAtEof()
{
    switch (m_state) {
    case State::RecordStart:
        return Next::End;
    case State::Quoted:
        fail(QStringLiteral("A quoted field (field %1) is not closed before the end of the file")
                 .arg(m_fields.size() + 1),
             m_fieldLine);
        return finishRecord();
    case State::SkipToLineEnd:
        return finishRecord();
    case State::FieldStart:
    case State::Unquoted:
    case State::QuoteInQuoted:
        endField();
        return finishRecord();
    }
    return Next::End;
}

CsvReader::Next CsvReader::next()
{
    m_fields.clear();
    m_field.resize(0);
    m_fieldAscii = true;
    m_error.clear();
    m_errorLine = 0;
    m_recordBytes = 0;
    m_tooLong = false;
    m_state = State::RecordStart;

    for (;;) {
        if (m_pos >= m_end) {
            const Fill filled = fill();
            if (filled == Fill::Failed) {
                m_fields.clear();
                return Next::ReadFailed;
            }
            if (filled == Fill::Eof)
                return finishAtEof();
        }
        const char *const data = m_buffer.constData();
        const char c = data[m_pos];

        switch (m_state) {
        case State::RecordStart:
            if (c == '\n' || c == '\r') { // a blank line, or the LF of a CRLF
                consumeLineBreak(c);
                continue;
            }
            m_recordLine = m_line;
            m_state = State::FieldStart;
            [[fallthrough]];

        case State::FieldStart:
            m_fieldLine = m_line;
            if (c == '"') {
                countRecordBytes(1);
                m_prevCr = false;
                ++m_pos;
                m_state = State::Quoted;
                continue;
            }
            m_state = State::Unquoted;
            [[fallthrough]];

        case State::Unquoted: {
            qsizetype q = m_pos;
            bool ascii = true;
            while (q < m_end) {
                const char b = data[q];
                if (b == ',' || b == '\n' || b == '\r' || b == '"')
                    break;
                ascii = ascii && static_cast<unsigned char>(b) < 0x80;
                ++q;
            }
            if (q > m_pos) {
                m_fieldAscii = m_fieldAscii && ascii;
                append(data + m_pos, q - m_pos);
                m_prevCr = false;
                m_pos = q;
                continue;
            }
            if (c == ',') {
                countRecordBytes(1);
                m_prevCr = false;
                ++m_pos;
                endField();
                m_state = State::FieldStart;
                continue;
            }
            if (c == '"') {
                fail(QStringLiteral("Field %1 has a quote but does not start with one: quote the "
                                    "whole field and double the quotes inside it")
                         .arg(m_fields.size() + 1),
                     m_line);
                m_state = State::SkipToLineEnd;
                continue;
            }
            consumeLineBreak(c);
            endField();
            return finishRecord();
        }

        case State::Quoted: {
            qsizetype q = m_pos;
            bool ascii = true;
            while (q < m_end) {
                const char b = data[q];
                if (b == '"')
                    break;
                if (b == '\n') {
                    if (!m_prevCr)
                        ++m_line;
                } else if (b == '\r') {
                    ++m_line;
                } else {
                    ascii = ascii && static_cast<unsigned char>(b) < 0x80;
                }
                m_prevCr = b == '\r';
                ++q;
            }
            if (q > m_pos) {
                m_fieldAscii = m_fieldAscii && ascii;
                append(data + m_pos, q - m_pos);
                m_pos = q;
                continue;
            }
            countRecordBytes(1); // the quote: closing, or the first of a doubled pair
            m_prevCr = false;
            ++m_pos;
            m_state = State::QuoteInQuoted;
            continue;
        }

        case State::QuoteInQuoted:
            if (c == '"') {
                append("\"", 1);
                ++m_pos;
                m_state = State::Quoted;
                continue;
            }
            if (c == ',') {
                countRecordBytes(1);
                ++m_pos;
                endField();
                m_state = State::FieldStart;
                continue;
            }
            if (c == '\n' || c == '\r') {
                consumeLineBreak(c);
                endField();
                return finishRecord();
            }
            fail(QStringLiteral("Field %1 has text after its closing quote: double the quotes "
                                "inside a quoted field")
                     .arg(m_fields.size() + 1),
                 m_line);
            m_state = State::SkipToLineEnd;
            continue;

        case State::SkipToLineEnd: {
            // After broken quoting the record's end is a guess: the end of this physical line.
            qsizetype q = m_pos;
            while (q < m_end && data[q] != '\n' && data[q] != '\r')
                ++q;
            if (q > m_pos) {
                m_prevCr = false;
                m_pos = q;
                continue;
            }
            consumeLineBreak(c);
            return finishRecord();
        }
        }
    }
}

} // namespace fleet
