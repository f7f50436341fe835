#include "tls/TlsFiles.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace fleet::tls {

namespace {

constexpr qint64 MaxPemSize = 1024 * 1024;

} // namespace

Result<std::optional<QByteArray>> readOptional(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return std::optional<QByteArray>();
    if (!f.open(QIODevice::ReadOnly))
        return Error::failed(QStringLiteral("Cannot read '%1': %2").arg(path, f.errorString()));
    if (f.size() > MaxPemSize)
        return Error::invalid(
            QStringLiteral("'%1' is too large for a PEM file (%2 bytes)").arg(path).arg(f.size()));
    return std::optional<QByteArray>(f.readAll());
}

Result<QByteArray> readRequired(const QString &path, const QString &what)
{
    if (path.isEmpty())
        return Error::invalid(QStringLiteral("No file given for %1").arg(what));
    auto bytes = readOptional(path);
    if (!bytes)
        return bytes.error();
    if (!bytes.value())
        return Error::notFound(QStringLiteral("No %1 file '%2'").arg(what, path));
    return *bytes.value();
}

Status writeAtomically(const QString &path, const QByteArray &bytes, bool secret)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error::failed(QStringLiteral("Cannot write '%1': %2").arg(path, f.errorString()));
    // Owner-only before a single byte of a key is written.
    const QFile::Permissions perms =
        secret ? (QFile::ReadOwner | QFile::WriteOwner)
               : (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    f.setPermissions(perms);
    // commit() flushes and fsyncs the temporary file before renaming it over `path`.
    if (f.write(bytes) != bytes.size() || !f.commit())
        return Error::failed(QStringLiteral("Cannot write '%1': %2").arg(path, f.errorString()));
    QFile::setPermissions(path, perms);
    return {};
}

Status ensureDirectory(const QString &dir)
{
    if (!QDir().mkpath(dir))
        return Error::failed(QStringLiteral("Cannot create the folder '%1'").arg(dir));
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

FileChange::FileChange(QString dir)
    : m_dir(std::move(dir))
{}

Status FileChange::write(const QString &name, const QByteArray &bytes, bool secret)
{
    if (Status s = remember(name); !s)
        return s;
    return writeAtomically(path(name), bytes, secret);
}

Status FileChange::remove(const QString &name)
{
    if (Status s = remember(name); !s)
        return s;
    if (QFile::exists(path(name)) && !QFile::remove(path(name)))
        return Error::failed(QStringLiteral("Cannot remove '%1'").arg(path(name)));
    return {};
}

void FileChange::undo()
{
    for (const auto &[name, previous] : m_previous) {
        if (previous)
            (void)writeAtomically(path(name), *previous, name.endsWith(QLatin1String(".key")));
        else
            QFile::remove(path(name));
    }
}

QString FileChange::path(const QString &name) const
{
    return m_dir + QLatin1Char('/') + name;
}

Status FileChange::remember(const QString &name)
{
    if (m_previous.count(name))
        return {};
    auto old = readOptional(path(name));
    if (!old)
        return old.error();
    m_previous[name] = *old;
    return {};
}

} // namespace fleet::tls
