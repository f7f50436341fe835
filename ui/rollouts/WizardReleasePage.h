#pragma once

#include "firmware/Release.h"

#include <QWizardPage>
#include <optional>

class QComboBox;
class QLabel;

namespace fleet {

// Step 1 of the rollout wizard: the approved release to roll out. The list arrives from a
// worker (setReleases); until then, or when it is empty, the page says why Next is not possible.
class WizardReleasePage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WizardReleasePage(QWidget *parent = nullptr);

    // The approved releases; `preset` is selected when it is among them.
    void setReleases(const QList<Release> &releases, qint64 preset);
    // Loading the choices failed, or the workspace cannot be written.
    void setProblem(const QString &text);

    std::optional<Release> release() const;
    QComboBox *releaseCombo() const { return m_combo; }

    bool isComplete() const override;

private:
    void showDetails();

    QList<Release> m_releases;
    bool m_loaded = false;
    QComboBox *m_combo;
    QLabel *m_details;
    QLabel *m_problem;
};

} // namespace fleet
