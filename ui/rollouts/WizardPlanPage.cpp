#include "WizardPlanPage.h"

#include <QButtonGroup>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace fleet {

namespace {
QSpinBox *spin(QWidget *parent, const char *objectName, int min, int max, int value,
               const QString &suffix)
{
    auto *s = new QSpinBox(parent);
    s->setObjectName(QLatin1String(objectName));
    s->setRange(min, max);
    s->setValue(value);
    s->setSuffix(suffix);
    return s;
}
} // namespace

WizardPlanPage::WizardPlanPage(QWidget *parent)
    : QWizardPage(parent)
    , m_oneWave(new QRadioButton(tr("&One wave after the pilot"), this))
    , m_byCount(new QRadioButton(tr("Waves of a fixed &size:"), this))
    , m_byPercent(new QRadioButton(tr("By cumulative &percentage:"), this))
    , m_byGroup(new QRadioButton(tr("One wave per &group, in this order:"), this))
    , m_waveSize(spin(this, "waveSizeSpin", 1, 10'000'000, 50, tr(" devices")))
    , m_percent(new QLineEdit(QStringLiteral("10,50,100"), this))
    , m_groups(new QLineEdit(this))
    , m_windows(new QPlainTextEdit(this))
    , m_rate(spin(this, "rateSpin", 1, 1'000'000, RolloutPlanSpec().devicesPerMinute,
                  tr(" devices/min")))
    , m_concurrency(
          spin(this, "concurrencySpin", 1, 1'000'000, RolloutPlanSpec().maxConcurrent, QString()))
    , m_minutesPerDevice(spin(this, "minutesPerDeviceSpin", 1, 7 * 24 * 60,
                              RolloutPlanSpec().minutesPerDevice, tr(" min")))
    , m_minutesBetweenWaves(spin(this, "minutesBetweenWavesSpin", 0, 30 * 24 * 60,
                                 RolloutPlanSpec().minutesBetweenWaves, tr(" min")))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("wizardPlanPage"));
    setTitle(tr("Waves, windows and pace"));
    setSubTitle(tr("How the devices after the pilot are cut into waves, when they may be "
                   "updated, and how fast."));
    m_oneWave->setObjectName(QStringLiteral("oneWaveRadio"));
    m_byCount->setObjectName(QStringLiteral("byCountRadio"));
    m_byPercent->setObjectName(QStringLiteral("byPercentRadio"));
    m_byGroup->setObjectName(QStringLiteral("byGroupRadio"));
    m_byPercent->setChecked(true);
    auto *kinds = new QButtonGroup(this);
    for (QRadioButton *b : {m_oneWave, m_byCount, m_byPercent, m_byGroup})
        kinds->addButton(b);
    m_percent->setObjectName(QStringLiteral("percentEdit"));
    m_percent->setToolTip(tr("Each wave ends at that share of the devices: \"10,50,100\" makes "
                             "waves of 10 %, 40 % and 50 %. The last step must be 100."));
    m_groups->setObjectName(QStringLiteral("groupsEdit"));
    m_groups->setPlaceholderText(tr("Group names separated by commas, e.g. Line 1, Line 2"));
    m_windows->setObjectName(QStringLiteral("windowsEdit"));
    m_windows->setPlaceholderText(tr("Empty: at any time. One window per line, e.g.\n"
                                     "Mon-Fri 01:00-05:00\nSat 22:00-02:00"));
    m_windows->setTabChangesFocus(true);
    m_windows->setFixedHeight(m_windows->fontMetrics().lineSpacing() * 4 + 12);
    m_error->setObjectName(QStringLiteral("planError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #7a1a12;"));
    m_error->hide();

    auto *waves = new QGroupBox(tr("Waves"), this);
    auto *wavesGrid = new QGridLayout(waves);
    wavesGrid->addWidget(m_oneWave, 0, 0, 1, 2);
    wavesGrid->addWidget(m_byCount, 1, 0);
    wavesGrid->addWidget(m_waveSize, 1, 1);
    wavesGrid->addWidget(m_byPercent, 2, 0);
    wavesGrid->addWidget(m_percent, 2, 1);
    wavesGrid->addWidget(m_byGroup, 3, 0);
    wavesGrid->addWidget(m_groups, 3, 1);
    wavesGrid->setColumnStretch(1, 1);

    auto *windowsBox = new QGroupBox(tr("Maintenance windows (each site's own time zone)"), this);
    auto *windowsLayout = new QVBoxLayout(windowsBox);
    auto *windowsText = new QLabel(tr("A device is only started inside a window of its site, "
                                      "read on the site's clock. Days: Mon..Sun, ranges such as "
                                      "Mon-Fri, lists, or Daily; an end at or before the start "
                                      "closes the next day."),
                                   windowsBox);
    windowsText->setWordWrap(true);
    windowsLayout->addWidget(windowsText);
    windowsLayout->addWidget(m_windows);

    auto *pace = new QGroupBox(tr("Pace"), this);
    auto *paceForm = new QFormLayout(pace);
    paceForm->addRow(tr("&Rate:"), m_rate);
    paceForm->addRow(tr("At most &at a time:"), m_concurrency);
    paceForm->addRow(tr("&Expected time per device:"), m_minutesPerDevice);
    paceForm->addRow(tr("&Soak after each wave:"), m_minutesBetweenWaves);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(waves);
    layout->addWidget(windowsBox);
    layout->addWidget(pace);
    layout->addWidget(m_error);
    layout->addStretch(1);

    for (QRadioButton *b : {m_oneWave, m_byCount, m_byPercent, m_byGroup})
        connect(b, &QRadioButton::toggled, this, &WizardPlanPage::check);
    for (QLineEdit *e : {m_percent, m_groups})
        connect(e, &QLineEdit::textChanged, this, &WizardPlanPage::check);
    connect(m_windows, &QPlainTextEdit::textChanged, this, &WizardPlanPage::check);
    for (QSpinBox *s :
         {m_waveSize, m_rate, m_concurrency, m_minutesPerDevice, m_minutesBetweenWaves})
        connect(s, &QSpinBox::valueChanged, this, &WizardPlanPage::check);
    check();
}

void WizardPlanPage::setGroups(const QStringList &groups)
{
    m_knownGroups = groups;
    if (!groups.isEmpty())
        m_groups->setToolTip(tr("Groups: %1").arg(groups.join(QStringLiteral(", "))));
    check();
}

QStringList WizardPlanPage::waveGroups() const
{
    if (!m_byGroup->isChecked())
        return {};
    QStringList names;
    for (const QString &part : m_groups->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (const QString name = part.trimmed(); !name.isEmpty())
            names << name;
    return names;
}

Result<WaveSplit> WizardPlanPage::split() const
{
    if (m_byCount->isChecked())
        return WaveSplit::byCount(m_waveSize->value());
    if (m_byPercent->isChecked()) {
        QList<int> steps;
        for (const QString &part : m_percent->text().split(QLatin1Char(','))) {
            QString step = part.trimmed();
            if (step.endsWith(QLatin1Char('%')))
                step.chop(1);
            bool ok = false;
            const int p = step.trimmed().toInt(&ok);
            if (!ok)
                return Error::invalid(tr("Waves: write cumulative percentages separated by "
                                         "commas, such as 10,50,100 ('%1' is not a number).")
                                          .arg(part.trimmed()));
            steps << p;
        }
        auto split = WaveSplit::byCumulativePercent(steps);
        if (!split)
            return Error::invalid(tr("Waves: %1").arg(split.message()));
        return split;
    }
    if (m_byGroup->isChecked()) {
        const QStringList names = waveGroups();
        if (names.isEmpty())
            return Error::invalid(tr("Waves: name at least one group, separated by commas."));
        for (const QString &name : names)
            if (!m_knownGroups.contains(name))
                return Error::invalid(tr("Waves: there is no device group '%1'.").arg(name));
        if (QStringList unique = names; unique.removeDuplicates() > 0)
            return Error::invalid(tr("Waves: each group can make only one wave."));
        // The members are read on a worker; a placeholder split keeps the spec valid meanwhile.
        return RolloutPlanSpec::oneWave();
    }
    return RolloutPlanSpec::oneWave();
}

Result<QList<MaintenanceWindow>> WizardPlanPage::windows() const
{
    QList<MaintenanceWindow> list;
    const QStringList lines = m_windows->toPlainText().split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString text = lines.at(i).trimmed();
        if (text.isEmpty())
            continue;
        auto w = MaintenanceWindow::parse(text);
        if (!w)
            return Error::invalid(
                tr("Maintenance window on line %1, '%2': %3").arg(i + 1).arg(text, w.message()));
        list << w.value();
    }
    return list;
}

Status WizardPlanPage::applyTo(RolloutPlanSpec &spec) const
{
    auto s = split();
    if (!s)
        return s.error();
    auto w = windows();
    if (!w)
        return w.error();
    spec.split = s.value();
    spec.windows = w.value();
    spec.devicesPerMinute = m_rate->value();
    spec.maxConcurrent = m_concurrency->value();
    spec.minutesPerDevice = m_minutesPerDevice->value();
    spec.minutesBetweenWaves = m_minutesBetweenWaves->value();
    return Status::success();
}

bool WizardPlanPage::isComplete() const
{
    RolloutPlanSpec spec;
    return applyTo(spec).ok();
}

void WizardPlanPage::check()
{
    m_waveSize->setEnabled(m_byCount->isChecked());
    m_percent->setEnabled(m_byPercent->isChecked());
    m_groups->setEnabled(m_byGroup->isChecked());
    RolloutPlanSpec spec;
    const Status s = applyTo(spec);
    m_error->setText(s.ok() ? QString() : s.message());
    m_error->setVisible(!s.ok());
    emit completeChanged();
}

} // namespace fleet
