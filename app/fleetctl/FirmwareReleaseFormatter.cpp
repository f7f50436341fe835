#include "FirmwareReleaseFormatter.h"

#include "TextTable.h"

#include <QDateTime>
#include <QJsonArray>

namespace fleet {

namespace {

QString when(const std::optional<qint64> &ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODate)
              : QStringLiteral("-");
}

} // namespace

QString FirmwareReleaseFormatter::details(const Release &r)
{
    QStringList lines;
    auto add = [&](const QString &label, const QString &value) {
        lines << QStringLiteral("%1 %2").arg(label + QLatin1Char(':'), -24).arg(value);
    };
    add(QStringLiteral("Release"), QString::number(r.id));
    add(QStringLiteral("Name"), r.name);
    add(QStringLiteral("Version"), r.version.toString());
    add(QStringLiteral("Kind"), artifactKindName(r.kind));
    add(QStringLiteral("File"), r.fileName);
    add(QStringLiteral("SHA-256"), r.sha256);
    add(QStringLiteral("Size"), QStringLiteral("%1 bytes").arg(r.size));
    add(QStringLiteral("Models"), list(r.models));
    add(QStringLiteral("Hardware revisions"), list(r.hwRevisions));
    add(QStringLiteral("Minimum version"),
        r.minVersion.isNull() ? QStringLiteral("-") : r.minVersion.toString());
    add(QStringLiteral("Channel"), releaseChannelName(r.channel));
    add(QStringLiteral("State"),
        releaseStateName(r.state) + (r.state == ReleaseState::Revoked
                                         ? QStringLiteral(" (%1)").arg(r.revokedReason)
                                         : QString()));
    add(QStringLiteral("Known good"), r.knownGood ? QStringLiteral("yes") : QStringLiteral("no"));
    add(QStringLiteral("Imported"), when(r.createdMs));
    add(QStringLiteral("Approved"), when(r.approvedMs));
    if (r.state == ReleaseState::Revoked)
        add(QStringLiteral("Revoked"), when(r.revokedMs));
    if (!r.signingKeyFingerprint.isEmpty())
        add(QStringLiteral("Signing key"), r.signingKeyFingerprint);
    if (r.kind == ArtifactKind::Mcuboot) {
        add(QStringLiteral("Image hash"),
            r.details.value(QStringLiteral("hash_algorithm")).toString() + QLatin1Char(' ') +
                r.details.value(QStringLiteral("image_hash")).toString());
        QStringList sigs;
        for (const QJsonValue &v : r.details.value(QStringLiteral("signatures")).toArray())
            sigs << v.toString();
        add(QStringLiteral("Image signatures"),
            sigs.isEmpty() ? QStringLiteral("none") : sigs.join(QStringLiteral(", ")));
    } else if (r.kind == ArtifactKind::Swu) {
        add(QStringLiteral("Bundle"),
            QStringLiteral("cpio %1, %2, %3 entries")
                .arg(r.details.value(QStringLiteral("archive_format")).toString(),
                     r.details.value(QStringLiteral("signed")).toBool()
                         ? QStringLiteral("signed (sw-description.sig)")
                         : QStringLiteral("not signed"))
                .arg(r.details.value(QStringLiteral("entries")).toArray().size()));
    }
    if (!r.notes.isEmpty())
        add(QStringLiteral("Notes"), TextTable::singleLine(r.notes));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString FirmwareReleaseFormatter::list(const QStringList &items)
{
    return items.isEmpty() ? QStringLiteral("-") : items.join(QStringLiteral(", "));
}

} // namespace fleet
