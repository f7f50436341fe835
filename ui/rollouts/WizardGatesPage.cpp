#include "WizardGatesPage.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace fleet {

namespace {

constexpr qint64 kMinuteMs = 60 * 1000;

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

// A limit that can be switched off: the value below the range reads "off".
QSpinBox *optionalSpin(QWidget *parent, const char *objectName, int max,
                       std::optional<qint64> value, const QString &suffix)
{
    QSpinBox *s = spin(parent, objectName, -1, max, value ? int(*value) : -1, suffix);
    s->setSpecialValueText(QSpinBox::tr("off"));
    return s;
}

std::optional<qint64> optionalValue(const QSpinBox *s)
{
    return s->value() < 0 ? std::nullopt : std::optional<qint64>(s->value());
}

} // namespace

WizardGatesPage::WizardGatesPage(QWidget *parent)
    : QWizardPage(parent)
{
    const RolloutPlanSpec defaults;
    const WaveThresholds &t = defaults.thresholds;
    m_success = spin(this, "successSpin", 0, 100, t.successPercent, QStringLiteral(" %"));
    m_pausePercent =
        optionalSpin(this, "pausePercentSpin", 100,
                     t.pauseFailurePercent ? std::optional<qint64>(*t.pauseFailurePercent)
                                           : std::optional<qint64>(5),
                     QStringLiteral(" %"));
    m_abortPercent =
        optionalSpin(this, "abortPercentSpin", 100,
                     t.abortFailurePercent ? std::optional<qint64>(*t.abortFailurePercent)
                                           : std::optional<qint64>(20),
                     QStringLiteral(" %"));
    m_pauseCount = optionalSpin(this, "pauseCountSpin", 1'000'000, t.pauseAfterFailures,
                                tr(" failed devices"));
    m_abortCount = optionalSpin(this, "abortCountSpin", 1'000'000, t.abortAfterFailures,
                                tr(" failed devices"));
    m_minFinished = spin(this, "minFinishedSpin", 0, 1'000'000,
                         int(std::max<qint64>(t.minFinishedForRate, 10)), tr(" devices"));
    const DeviceStepTimeouts &to = defaults.timeouts;
    m_download = spin(this, "downloadTimeoutSpin", 1, 7 * 24 * 60, int(to.downloadMs / kMinuteMs),
                      tr(" min"));
    m_install =
        spin(this, "installTimeoutSpin", 1, 7 * 24 * 60, int(to.installMs / kMinuteMs), tr(" min"));
    m_reboot =
        spin(this, "rebootTimeoutSpin", 1, 7 * 24 * 60, int(to.rebootMs / kMinuteMs), tr(" min"));
    m_validation = spin(this, "validationTimeoutSpin", 1, 7 * 24 * 60,
                        int(to.validationMs / kMinuteMs), tr(" min"));
    const RetryLimits &r = defaults.retries;
    m_retryDownload = spin(this, "downloadRetriesSpin", 0, 10, r.download, QString());
    m_retryInstall = spin(this, "installRetriesSpin", 0, 10, r.install, QString());
    m_retryValidation = spin(this, "validationRetriesSpin", 0, 10, r.validation, QString());
    m_retryTimeout = spin(this, "timeoutRetriesSpin", 0, 10, r.timeout, QString());
    m_retryTotal = spin(this, "totalRetriesSpin", 0, 10, r.total, QString());
    m_autoRollback = new QCheckBox(tr("Roll &back failed devices automatically once their "
                                      "retries are spent"),
                                   this);
    m_autoRollback->setObjectName(QStringLiteral("autoRollbackCheck"));
    m_autoRollback->setChecked(defaults.autoRollback);
    m_requireApproval = new QCheckBox(tr("A second operator must &approve the rollout before it "
                                         "starts (four-eyes)"),
                                      this);
    m_requireApproval->setObjectName(QStringLiteral("requireApprovalCheck"));
    m_requireApproval->setChecked(defaults.requireApproval);
    m_approvePilot = new QCheckBox(tr("&Pause after the pilot until a person resumes the "
                                      "rollout"),
                                   this);
    m_approvePilot->setObjectName(QStringLiteral("approvePilotCheck"));
    m_approvePilot->setChecked(defaults.approvePilot);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("gatesError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #7a1a12;"));
    m_error->hide();

    setObjectName(QStringLiteral("wizardGatesPage"));
    setTitle(tr("Gates, timeouts and retries"));
    setSubTitle(tr("When a wave may be followed by the next, when the rollout stops itself, and "
                   "how long and how often a device may try."));

    auto *gates = new QGroupBox(tr("Wave gates"), this);
    auto *gatesForm = new QFormLayout(gates);
    gatesForm->addRow(tr("A wave &succeeds when at least:"), m_success);
    gatesForm->addRow(tr("&Pause when failures exceed:"), m_pausePercent);
    gatesForm->addRow(tr("A&bort when failures exceed:"), m_abortPercent);
    gatesForm->addRow(tr("…or pause after more than:"), m_pauseCount);
    gatesForm->addRow(tr("…or abort after more than:"), m_abortCount);
    gatesForm->addRow(tr("Rates count after &finishing:"), m_minFinished);

    auto *timeouts = new QGroupBox(tr("Step timeouts"), this);
    auto *timeoutsForm = new QFormLayout(timeouts);
    timeoutsForm->addRow(tr("&Download:"), m_download);
    timeoutsForm->addRow(tr("&Install:"), m_install);
    timeoutsForm->addRow(tr("&Reboot:"), m_reboot);
    timeoutsForm->addRow(tr("&Validation:"), m_validation);

    auto *retries = new QGroupBox(tr("Retries per device"), this);
    auto *retriesForm = new QFormLayout(retries);
    retriesForm->addRow(tr("After a download failure:"), m_retryDownload);
    retriesForm->addRow(tr("After an install failure:"), m_retryInstall);
    retriesForm->addRow(tr("After a failed validation:"), m_retryValidation);
    retriesForm->addRow(tr("After a timeout:"), m_retryTimeout);
    retriesForm->addRow(tr("In all, at most:"), m_retryTotal);

    auto *grid = new QGridLayout;
    grid->addWidget(gates, 0, 0, 2, 1);
    grid->addWidget(timeouts, 0, 1);
    grid->addWidget(retries, 1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(m_autoRollback);
    layout->addWidget(m_requireApproval);
    layout->addWidget(m_approvePilot);
    layout->addWidget(m_error);
    layout->addStretch(1);

    for (QSpinBox *s : findChildren<QSpinBox *>())
        connect(s, &QSpinBox::valueChanged, this, &WizardGatesPage::check);
    check();
}

Status WizardGatesPage::applyTo(RolloutPlanSpec &spec) const
{
    WaveThresholds t;
    t.successPercent = m_success->value();
    if (m_pausePercent->value() >= 0)
        t.pauseFailurePercent = m_pausePercent->value();
    if (m_abortPercent->value() >= 0)
        t.abortFailurePercent = m_abortPercent->value();
    t.pauseAfterFailures = optionalValue(m_pauseCount);
    t.abortAfterFailures = optionalValue(m_abortCount);
    t.minFinishedForRate = m_minFinished->value();
    if (Status s = t.validate(); !s)
        return Error::invalid(tr("Wave gates: %1").arg(s.message()));
    DeviceStepTimeouts to = spec.timeouts;
    to.downloadMs = m_download->value() * kMinuteMs;
    to.installMs = m_install->value() * kMinuteMs;
    to.rebootMs = m_reboot->value() * kMinuteMs;
    to.validationMs = m_validation->value() * kMinuteMs;
    if (Status s = to.validate(); !s)
        return Error::invalid(tr("Timeouts: %1").arg(s.message()));
    RetryLimits r;
    r.download = m_retryDownload->value();
    r.install = m_retryInstall->value();
    r.validation = m_retryValidation->value();
    r.timeout = m_retryTimeout->value();
    r.total = m_retryTotal->value();
    if (Status s = r.validate(); !s)
        return Error::invalid(tr("Retries: %1").arg(s.message()));
    spec.thresholds = t;
    spec.timeouts = to;
    spec.retries = r;
    spec.autoRollback = m_autoRollback->isChecked();
    spec.requireApproval = m_requireApproval->isChecked();
    spec.approvePilot = m_approvePilot->isChecked();
    return Status::success();
}

bool WizardGatesPage::isComplete() const
{
    RolloutPlanSpec spec;
    return applyTo(spec).ok();
}

void WizardGatesPage::check()
{
    RolloutPlanSpec spec;
    const Status s = applyTo(spec);
    m_error->setText(s.ok() ? QString() : s.message());
    m_error->setVisible(!s.ok());
    emit completeChanged();
}

} // namespace fleet
