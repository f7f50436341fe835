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

} // namespace fleet
