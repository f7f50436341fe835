#pragma once

#include "audit/AuditQuery.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace fleet {

class AuditFilterBar;
class AuditTableModel;
class WorkspaceSession;

// The audit trail: filters, the entries (newest first, paged in the model's worker), checking
// the hash chain, and exporting what the filter matches as CSV or JSON.
class AuditPage : public QWidget
{
    Q_OBJECT
public:
    explicit AuditPage(WorkspaceSession &session, QWidget *parent = nullptr);

    AuditTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    AuditFilterBar *filterBar() const { return m_filterBar; }
    QLabel *verifyResultLabel() const { return m_verifyResult; }

    // Recomputes the chain in the background; the result shows in the verify label.
    void verifyChain();
    void exportTo(const QString &path, AuditQuery::Format format);
    // Re-reads the entries (new ones appear at the top).
    void refresh();

signals:
    void verified(bool intact, const QString &summary);
    void exported(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void chooseExportFile(AuditQuery::Format format);
    void updateCountLabel();
    void showVerifyResult(bool intact, const QString &text);

    WorkspaceSession &m_session;
    AuditTableModel *m_model;
    AuditFilterBar *m_filterBar;
    QTableView *m_table;
    QLabel *m_countLabel;
    QLabel *m_verifyResult;
    QLabel *m_exportResult;
    QPushButton *m_verify;
};

} // namespace fleet
