#include "WizardReleasePage.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace fleet {

WizardReleasePage::WizardReleasePage(QWidget *parent)
    : QWizardPage(parent)
    , m_combo(new QComboBox(this))
    , m_details(new QLabel(this))
    , m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("wizardReleasePage"));
    setTitle(tr("Release"));
    setSubTitle(tr("Choose the approved firmware release to roll out. Only signed releases can "
                   "be rolled out."));
    m_combo->setObjectName(QStringLiteral("releaseCombo"));
    m_combo->setEnabled(false);
    m_combo->addItem(tr("Loading releases…"));
    m_details->setObjectName(QStringLiteral("releaseDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setObjectName(QStringLiteral("releaseProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #7a1a12;"));
    m_problem->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Release:"), m_combo);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_details);
    layout->addWidget(m_problem);
    layout->addStretch(1);

    connect(m_combo, &QComboBox::currentIndexChanged, this, [this] {
        showDetails();
        emit completeChanged();
    });
}

void WizardReleasePage::setReleases(const QList<Release> &releases, qint64 preset)
{
    m_releases = releases;
    m_loaded = true;
    m_combo->clear();
    int presetIndex = 0;
    for (const Release &r : releases) {
        if (r.id == preset)
            presetIndex = m_combo->count();
        m_combo->addItem(tr("%1 %2 (release %3, %4)")
                             .arg(r.name, r.version.toString())
                             .arg(r.id)
                             .arg(releaseChannelName(r.channel)),
                         r.id);
    }
    m_combo->setEnabled(!releases.isEmpty());
    if (releases.isEmpty()) {
        m_combo->addItem(tr("(no approved release)"));
        setProblem(tr("There is no approved release. Approve one on the Firmware page first."));
    } else if (preset > 0 && releases.at(presetIndex).id != preset) {
        setProblem(tr("Release %1 is not approved, so it cannot be rolled out.").arg(preset));
    }
    m_combo->setCurrentIndex(presetIndex);
    showDetails();
    emit completeChanged();
}

void WizardReleasePage::setProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

std::optional<Release> WizardReleasePage::release() const
{
    const int i = m_combo->currentIndex();
    if (!m_loaded || i < 0 || i >= m_releases.size())
        return std::nullopt;
    return m_releases.at(i);
}

bool WizardReleasePage::isComplete() const
{
    return release().has_value();
}

void WizardReleasePage::showDetails()
{
    const auto r = release();
    if (!r) {
        m_details->clear();
        return;
    }
    QStringList lines;
    lines << tr("For models: %1")
                 .arg(r->models.isEmpty() ? tr("any") : r->models.join(QStringLiteral(", ")));
    if (!r->hwRevisions.isEmpty())
        lines << tr("Hardware revisions: %1").arg(r->hwRevisions.join(QStringLiteral(", ")));
    if (!r->minVersion.isNull())
        lines << tr("Devices must run at least %1").arg(r->minVersion.toString());
    lines << tr("Artifact: %1 (SHA-256 %2…)").arg(r->fileName, r->sha256.left(16));
    m_details->setText(lines.join(QLatin1Char('\n')));
}

} // namespace fleet
