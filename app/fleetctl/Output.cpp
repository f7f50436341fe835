#include "Output.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace fleet {

Output::Output(bool json, FILE *out, FILE *err)
    : m_json(json)
    , m_out(out)
    , m_err(err)
{}

void Output::write(FILE *stream, const QByteArray &bytes)
{
    if (!bytes.isEmpty())
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

void Output::line(const QString &text)
{
    if (!m_json)
        write(m_out, text.toUtf8() + '\n');
}

void Output::text(const QString &text)
{
    if (!m_json)
        write(m_out, text.toUtf8());
}

void Output::json(const QJsonValue &document)
{
    QJsonDocument doc;
    if (document.isArray())
        doc.setArray(document.toArray());
    else
        doc.setObject(document.toObject());
    write(m_out, doc.toJson(QJsonDocument::Indented));
}

void Output::error(const QString &message)
{
    // Flush stdout first so a partial result and the error appear in order on a terminal.
    std::fflush(m_out);
    write(m_err, QStringLiteral("error: %1\n").arg(message).toUtf8());
}

void Output::warning(const QString &message)
{
    std::fflush(m_out);
    write(m_err, QStringLiteral("warning: %1\n").arg(message).toUtf8());
}

void Output::note(const QString &message)
{
    std::fflush(m_out);
    write(m_err, message.toUtf8() + '\n');
}

void Output::raw(const QByteArray &bytes)
{
    write(m_out, bytes);
}

void Output::flush()
{
    std::fflush(m_out);
    std::fflush(m_err);
}

} // namespace fleet
