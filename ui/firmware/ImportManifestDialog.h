#pragma once

#include "firmware/FirmwareManifest.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace fleet {

// For a file Fleetdesk cannot read itself (neither an MCUboot image nor a .swu bundle): asks
// what the manifest would say (name, version, models, hardware revisions, minimum version,
// notes) and builds that manifest, checked by the same parser as a manifest file.
class ImportManifestDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ImportManifestDialog(const QString &fileName, QWidget *parent = nullptr);

    // The manifest the fields describe, or why they do not describe one.
    Result<FirmwareManifest> manifest() const;

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *versionEdit() const { return m_version; }
    QLineEdit *modelsEdit() const { return m_models; }

private:
    void validate();

    QLineEdit *m_name;
    QLineEdit *m_version;
    QLineEdit *m_models;
    QLineEdit *m_hwRevisions;
    QLineEdit *m_minVersion;
    QPlainTextEdit *m_notes;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace fleet
