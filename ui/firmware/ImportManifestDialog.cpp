#include "ImportManifestDialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace fleet {

namespace {
QStringList listOf(const QLineEdit *edit)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return edit->text().split(separators, Qt::SkipEmptyParts);
}
} // namespace

ImportManifestDialog::ImportManifestDialog(const QString &fileName, QWidget *parent)
    : QDialog(parent)
    , m_name(new QLineEdit(QFileInfo(fileName).completeBaseName(), this))
    , m_version(new QLineEdit(this))
    , m_models(new QLineEdit(this))
    , m_hwRevisions(new QLineEdit(this))
    , m_minVersion(new QLineEdit(this))
    , m_notes(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("importManifestDialog"));
    setWindowTitle(tr("Import %1").arg(QFileInfo(fileName).fileName()));
    m_name->setObjectName(QStringLiteral("manifestName"));
    m_version->setObjectName(QStringLiteral("manifestVersion"));
    m_version->setPlaceholderText(tr("e.g. 1.4.0"));
    m_models->setObjectName(QStringLiteral("manifestModels"));
    m_models->setPlaceholderText(tr("e.g. NW-S200, NW-S210"));
    m_hwRevisions->setObjectName(QStringLiteral("manifestHwRevisions"));
    m_hwRevisions->setPlaceholderText(tr("any"));
    m_minVersion->setObjectName(QStringLiteral("manifestMinVersion"));
    m_notes->setObjectName(QStringLiteral("manifestNotes"));
    m_notes->setMaximumHeight(80);
    m_problem->setObjectName(QStringLiteral("manifestProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));

    auto *text = new QLabel(tr("%1 is neither an MCUboot image nor an SWUpdate bundle, so "
                               "Fleetdesk cannot read its name and version from it. Say what "
                               "it is:")
                                .arg(QFileInfo(fileName).fileName()),
                            this);
    text->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Version:"), m_version);
    form->addRow(tr("Models:"), m_models);
    form->addRow(tr("Hardware revisions:"), m_hwRevisions);
    form->addRow(tr("Minimum version:"), m_minVersion);
    form->addRow(tr("Release notes:"), m_notes);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    setMinimumWidth(460);

    for (QLineEdit *edit : {m_name, m_version, m_models, m_hwRevisions, m_minVersion})
        connect(edit, &QLineEdit::textChanged, this, &ImportManifestDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

Result<FirmwareManifest> ImportManifestDialog::manifest() const
{
    // Built as the JSON a manifest file would hold, so the same rules apply to both.
    QJsonObject o;
    o.insert(QStringLiteral("name"), m_name->text().trimmed());
    o.insert(QStringLiteral("version"), m_version->text().trimmed());
    if (!listOf(m_models).isEmpty())
        o.insert(QStringLiteral("models"), QJsonArray::fromStringList(listOf(m_models)));
    if (!listOf(m_hwRevisions).isEmpty())
        o.insert(QStringLiteral("hw_revisions"), QJsonArray::fromStringList(listOf(m_hwRevisions)));
    if (!m_minVersion->text().trimmed().isEmpty())
        o.insert(QStringLiteral("min_version"), m_minVersion->text().trimmed());
    if (!m_notes->toPlainText().trimmed().isEmpty())
        o.insert(QStringLiteral("release_notes"), m_notes->toPlainText().trimmed());
    auto parsed = FirmwareManifest::parse(QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (parsed && (parsed->name.isEmpty() || parsed->version.isNull()))
        return Error::invalid(tr("Give a name and a version."));
    return parsed;
}

void ImportManifestDialog::validate()
{
    auto m = manifest();
    m_problem->setText(m ? QString() : m.message());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m.ok());
}

} // namespace fleet
