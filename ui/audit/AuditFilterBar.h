#pragma once

#include "audit/AuditQuery.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QTimer;

namespace fleet {

// Filters for the audit trail: a time range (UTC, each end optional), who, which action
// (prefix), object type and object id. Emits filterChanged() shortly after the last edit.
class AuditFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit AuditFilterBar(QWidget *parent = nullptr);
    AuditFilter filter() const;
    void clear();

signals:
    void filterChanged(const fleet::AuditFilter &filter);

private:
    QCheckBox *m_fromEnabled;
    QDateTimeEdit *m_from;
    QCheckBox *m_toEnabled;
    QDateTimeEdit *m_to;
    QLineEdit *m_actor;
    QComboBox *m_action;
    QComboBox *m_objectType;
    QLineEdit *m_objectId;
    QTimer *m_debounce;
};

} // namespace fleet
