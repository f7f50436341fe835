#pragma once

#include "rollout/RolloutStatus.h"

#include <QWidget>

class QLabel;

namespace fleet {

// The selected rollout's header: its state, the release with its artifact hash, the test gate
// (passed or not, and who signed), the approval, the maintenance windows (and whether they are
// overridden) and when it started.
class RolloutHeaderPane : public QWidget
{
    Q_OBJECT
public:
    explicit RolloutHeaderPane(QWidget *parent = nullptr);

    void setStatus(const RolloutStatus &status, const QByteArray &zone);
    void clear();

    QLabel *titleLabel() const { return m_title; }
    QLabel *releaseLabel() const { return m_release; }
    QLabel *gateLabel() const { return m_gate; }
    QLabel *approvalLabel() const { return m_approval; }
    QLabel *windowsLabel() const { return m_windows; }

private:
    QLabel *m_title;
    QLabel *m_release;
    QLabel *m_gate;
    QLabel *m_approval;
    QLabel *m_windows;
    QLabel *m_times;
};

} // namespace fleet
