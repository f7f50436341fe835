#include "ExportDestination.h"

#include <QFileInfo>
#include <cstdio>

namespace fleet {

ExportDestination::ExportDestination(QString path)
    : m_path(std::move(path))
{
    if (!isStdout())
        m_file.setFileName(m_path);
}

QString ExportDestination::formatFromExtension(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("csv"))
        return QStringLiteral("csv");
    if (suffix == QLatin1String("json"))
        return QStringLiteral("json");
    return {};
}

Status ExportDestination::open()
{
    if (isStdout()) {
        std::fflush(stdout);
        if (!m_stdout.open(stdout, QIODevice::WriteOnly))
            return Error::failed(
                QStringLiteral("Cannot write to stdout: %1").arg(m_stdout.errorString()));
        return {};
    }
    if (!m_file.open(QIODevice::WriteOnly))
        return Error::failed(
            QStringLiteral("Cannot write %1: %2").arg(m_path, m_file.errorString()));
    return {};
}

QIODevice &ExportDestination::device()
{
    if (isStdout())
        return m_stdout;
    return m_file;
}

Status ExportDestination::commit()
{
    if (isStdout()) {
        m_stdout.flush();
        std::fflush(stdout);
        return {};
    }
    if (!m_file.commit())
        return Error::failed(
            QStringLiteral("Cannot write %1: %2").arg(m_path, m_file.errorString()));
    return {};
}

Result<QString> ExportDestination::chooseFormat(const QString &requested, bool jsonOutput) const
{
    QString format = requested.toLower();
    if (format.isEmpty())
        format = isStdout() ? (jsonOutput ? QStringLiteral("json") : QStringLiteral("csv"))
                            : formatFromExtension(m_path);
    if (format.isEmpty())
        format = QStringLiteral("csv");
    if (format != QLatin1String("csv") && format != QLatin1String("json"))
        return Error::invalid(
            QStringLiteral("Unknown format '%1'; expected csv or json.").arg(format));
    if (isStdout() && jsonOutput && format == QLatin1String("csv"))
        return Error::invalid(QStringLiteral("--json promises JSON on stdout; export CSV to a "
                                             "file or drop --json."));
    return format;
}

Result<qint64> ExportDestination::writeWith(const std::function<Result<qint64>(QIODevice &)> &write)
{
    if (Status opened = open(); !opened)
        return opened.error();
    auto written = write(device());
    if (!written)
        return written.error(); // the temporary file is discarded; nothing takes the name
    if (Status committed = commit(); !committed)
        return committed.error();
    return written;
}

} // namespace fleet
