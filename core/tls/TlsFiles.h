#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <map>
#include <optional>

// File handling for core/tls: bounded reads, atomic owner-only writes, and a set of file
// changes that can be undone as a whole. Internal to core/tls.
namespace fleet::tls {

// The file's bytes (at most 1 MiB, the most a PEM file here can sensibly hold), or nullopt
// when it does not exist.
Result<std::optional<QByteArray>> readOptional(const QString &path);
// The file's bytes; NotFound names `what` ("certificate") when it does not exist.
Result<QByteArray> readRequired(const QString &path, const QString &what);
// Replaces `path` atomically (QSaveFile: temporary file, fsync, rename), mode 0600 when
// `secret`, else 0644, set before any byte is written.
Status writeAtomically(const QString &path, const QByteArray &bytes, bool secret);
// Creates `dir` (and parents) and makes it owner-only (0700).
Status ensureDirectory(const QString &dir);

// The files one change writes or removes in a folder, with what they held before, so a change
// whose audit entry fails can be put back. Names ending in ".key" are restored as secrets.
class FileChange
{
public:
    explicit FileChange(QString dir);
    Status write(const QString &name, const QByteArray &bytes, bool secret);
    Status remove(const QString &name);
    void undo();

private:
    QString path(const QString &name) const;
    Status remember(const QString &name);

    QString m_dir;
    std::map<QString, std::optional<QByteArray>> m_previous;
};

} // namespace fleet::tls
