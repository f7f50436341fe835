#pragma once

#include "firmware/Release.h"

#include <QWidget>
#include <optional>

class QLabel;
class QFormLayout;

namespace fleet {

// What the table does not show about the selected release: hash, exact size, hardware
// revisions, minimum version, notes, signature and approval or revocation.
class ReleaseDetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit ReleaseDetailsPane(QWidget *parent = nullptr);

    void setRelease(const std::optional<Release> &release);
    // The text shown for a field (by its object name, e.g. "detailSha256"), for tests.
    QString fieldText(const QString &objectName) const;

private:
    QLabel *addField(const QString &objectName, const QString &label);

    QLabel *m_title;
    QFormLayout *m_form;
    QList<QLabel *> m_fields;
};

} // namespace fleet
