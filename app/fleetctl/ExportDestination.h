#pragma once

#include "util/Result.h"

#include <QFile>
#include <QSaveFile>
#include <QString>
#include <functional>

namespace fleet {

// Where an export goes: a file, written atomically (a failed or interrupted export never leaves
// half a file under the final name), or stdout for "-".
class ExportDestination
{
public:
    explicit ExportDestination(QString path);

    bool isStdout() const { return m_path.isEmpty() || m_path == QLatin1String("-"); }
    QString path() const { return m_path; }
    // "csv" or "json" from the file name's extension; empty when it says neither.
    static QString formatFromExtension(const QString &path);
    // "csv" or "json": the one asked for, else the file's extension, else JSON on stdout with
    // --json and CSV otherwise. A usage error for an unknown format, or CSV on a --json stdout.
    Result<QString> chooseFormat(const QString &requested, bool jsonOutput) const;

    Status open();
    QIODevice &device();
    Status commit();
    // Opens, runs `write` on the device, and commits only if it succeeded: what an export does.
    Result<qint64> writeWith(const std::function<Result<qint64>(QIODevice &)> &write);

private:
    QString m_path;
    QSaveFile m_file;
    QFile m_stdout;
};

} // namespace fleet
