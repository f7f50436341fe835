#include "SavedFilterBox.h"

#include "common/Prompts.h"
#include "inventory/SavedFilters.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>

namespace fleet {

SavedFilterBox::SavedFilterBox(SavedFilters &savedFilters, QWidget *parent)
    : QWidget(parent)
    , m_savedFilters(savedFilters)
    , m_combo(new QComboBox(this))
    , m_save(new QPushButton(tr("Save filter…"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
{
    m_combo->setObjectName(QStringLiteral("savedFiltersCombo"));
    m_combo->setMinimumContentsLength(16);
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_save->setObjectName(QStringLiteral("saveFilterButton"));
    m_delete->setObjectName(QStringLiteral("deleteFilterButton"));
    m_save->setToolTip(tr("Save the current filter as a dynamic group"));
    m_delete->setToolTip(tr("Delete the chosen saved filter"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(tr("Saved filters:"), this);
    label->setBuddy(m_combo);
    layout->addWidget(label);
    layout->addWidget(m_combo);
    layout->addWidget(m_save);
    layout->addWidget(m_delete);

    connect(m_combo, &QComboBox::activated, this, &SavedFilterBox::applyChosen);
    connect(m_combo, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_delete->setEnabled(m_writable && index > 0); });
    connect(m_save, &QPushButton::clicked, this, &SavedFilterBox::promptForName);
    connect(m_delete, &QPushButton::clicked, this, &SavedFilterBox::confirmDelete);
    reload();
}

void SavedFilterBox::setWritable(bool writable)
{
    m_writable = writable;
    m_save->setEnabled(writable);
    m_delete->setEnabled(writable && m_combo->currentIndex() > 0);
}

QString SavedFilterBox::chosenName() const
{
    return m_combo->currentIndex() > 0 ? m_combo->currentText() : QString();
}

void SavedFilterBox::reload()
{
    const QString keep = chosenName();
    m_combo->clear();
    m_combo->addItem(tr("(none)"));
    auto list = m_savedFilters.list();
    if (!list) {
        emit failed(list.message());
        return;
    }
    for (const SavedFilters::Entry &entry : list.value()) {
        m_combo->addItem(
            entry.name,
            QString::fromUtf8(QJsonDocument(entry.filter.toJson()).toJson(QJsonDocument::Compact)));
        m_combo->setItemData(m_combo->count() - 1, entry.filter.describe(), Qt::ToolTipRole);
    }
    const int index = m_combo->findText(keep);
    m_combo->setCurrentIndex(index > 0 ? index : 0);
}

void SavedFilterBox::applyChosen(int index)
{
    if (index <= 0)
        return;
    const QJsonDocument doc = QJsonDocument::fromJson(m_combo->itemData(index).toString().toUtf8());
    emit filterChosen(DeviceFilter::fromJson(doc.object()));
}

void SavedFilterBox::promptForName()
{
    Prompts::askText(this, QStringLiteral("saveFilterPrompt"), tr("Save filter"),
                     tr("Name of the dynamic group for \"%1\":").arg(m_current.describe()),
                     chosenName(), [this](const QString &name) { saveCurrentAs(name); });
}

void SavedFilterBox::saveCurrentAs(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) {
        emit failed(tr("A saved filter needs a name."));
        return;
    }
    if (Status s = m_savedFilters.save(trimmed, m_current); !s) {
        emit failed(s.message());
        return;
    }
    reload();
    m_combo->setCurrentIndex(m_combo->findText(trimmed));
}

void SavedFilterBox::confirmDelete()
{
    const QString name = chosenName();
    if (name.isEmpty())
        return;
    auto *box =
        new QMessageBox(QMessageBox::Question, tr("Delete saved filter"),
                        tr("Delete the saved filter \"%1\"? Devices are not changed.").arg(name),
                        QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("confirmDeleteFilter"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box](QAbstractButton *button) {
        if (box->standardButton(button) == QMessageBox::Yes)
            deleteChosen();
    });
    box->open();
}

void SavedFilterBox::deleteChosen()
{
    const QString name = chosenName();
    if (name.isEmpty())
        return;
    if (Status s = m_savedFilters.remove(name); !s) {
        emit failed(s.message());
        return;
    }
    m_combo->setCurrentIndex(0);
    reload();
}

} // namespace fleet
