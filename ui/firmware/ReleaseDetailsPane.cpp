#include "ReleaseDetailsPane.h"

#include "FirmwareReleaseModel.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace fleet {

ReleaseDetailsPane::ReleaseDetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_form(new QFormLayout)
{
    setObjectName(QStringLiteral("releaseDetails"));
    m_title->setObjectName(QStringLiteral("detailTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_form->setLabelAlignment(Qt::AlignRight);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setVerticalSpacing(3);

    addField(QStringLiteral("detailFile"), tr("File"));
    addField(QStringLiteral("detailSha256"), tr("SHA-256"))
        ->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    addField(QStringLiteral("detailSize"), tr("Size"));
    addField(QStringLiteral("detailHwRevisions"), tr("Hardware revisions"));
    addField(QStringLiteral("detailMinVersion"), tr("Minimum version"));
    addField(QStringLiteral("detailSignature"), tr("Signing key"))
        ->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    addField(QStringLiteral("detailApproved"), tr("Approved"));
    addField(QStringLiteral("detailRevoked"), tr("Revoked"));
    addField(QStringLiteral("detailNotes"), tr("Notes"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addLayout(m_form);
    layout->addStretch(1);
    setRelease(std::nullopt);
}

QLabel *ReleaseDetailsPane::addField(const QString &objectName, const QString &label)
{
    auto *value = new QLabel(this);
    value->setObjectName(objectName);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(label + QLatin1Char(':'), value);
    m_fields << value;
    return value;
}

QString ReleaseDetailsPane::fieldText(const QString &objectName) const
{
    for (const QLabel *field : m_fields)
        if (field->objectName() == objectName)
            return field->text();
    return objectName == m_title->objectName() ? m_title->text() : QString();
}

void ReleaseDetailsPane::setRelease(const std::optional<Release> &release)
{
    for (QLabel *field : m_fields)
        field->clear();
    if (!release) {
        m_title->setText(tr("Select a release to see its details."));
        return;
    }
    const Release &r = *release;
    const QString none = tr("—");
    m_title->setText(tr("%1 %2").arg(r.name, r.version.toString()));
    const auto set = [this](const char *name, const QString &text) {
        for (QLabel *field : m_fields)
            if (field->objectName() == QLatin1String(name))
                field->setText(text);
    };
    // The hash wraps at any point: break it in two so the pane stays narrow.
    set("detailFile", tr("%1 (%2)").arg(r.fileName, artifactKindName(r.kind)));
    set("detailSha256", r.sha256.left(32) + QLatin1Char('\n') + r.sha256.mid(32));
    set("detailSize",
        tr("%1 (%2 bytes)")
            .arg(FirmwareReleaseModel::formatSize(r.size), QLocale().toString(r.size)));
    set("detailHwRevisions",
        r.hwRevisions.isEmpty() ? tr("any") : r.hwRevisions.join(QStringLiteral(", ")));
    set("detailMinVersion", r.minVersion.isNull() ? none : r.minVersion.toString());
    set("detailSignature",
        r.signingKeyFingerprint.isEmpty() ? tr("not signed") : r.signingKeyFingerprint);
    set("detailApproved",
        r.approvedMs ? FirmwareReleaseModel::formatTime(*r.approvedMs) + tr(" UTC") : none);
    set("detailRevoked",
        r.revokedMs
            ? tr("%1 UTC: %2").arg(FirmwareReleaseModel::formatTime(*r.revokedMs), r.revokedReason)
            : none);
    set("detailNotes", r.notes.isEmpty() ? none : r.notes);
}

} // namespace fleet
