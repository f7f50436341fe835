#include "AuditFilterBar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>

namespace fleet {

namespace {
constexpr int kDebounceMs = 250;

QDateTimeEdit *makeTimeEdit(QWidget *parent, const QString &objectName, const QDateTime &initial)
{
    auto *edit = new QDateTimeEdit(parent);
    edit->setObjectName(objectName);
    edit->setTimeSpec(Qt::UTC); // the audit trail is in UTC, and so are its filters
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    edit->setCalendarPopup(true);
    edit->setDateTime(initial);
    edit->setEnabled(false);
    return edit;
}

QComboBox *makeEditableCombo(QWidget *parent, const QString &objectName, const QStringList &items)
{
    auto *combo = new QComboBox(parent);
    combo->setObjectName(objectName);
    combo->setEditable(true);
    combo->addItems(items);
    combo->setCurrentIndex(0);
    combo->setMinimumContentsLength(12);
    return combo;
}
} // namespace

AuditFilterBar::AuditFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_fromEnabled(new QCheckBox(tr("From"), this))
    , m_toEnabled(new QCheckBox(tr("To"), this))
    , m_actor(new QLineEdit(this))
    , m_objectId(new QLineEdit(this))
    , m_debounce(new QTimer(this))
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_from = makeTimeEdit(this, QStringLiteral("fromEdit"), now.addDays(-7));
    m_to = makeTimeEdit(this, QStringLiteral("toEdit"), now.addDays(1));
    m_fromEnabled->setObjectName(QStringLiteral("fromCheck"));
    m_toEnabled->setObjectName(QStringLiteral("toCheck"));
    m_actor->setObjectName(QStringLiteral("actorEdit"));
    m_actor->setPlaceholderText(tr("operator or OS user"));
    m_actor->setClearButtonEnabled(true);
    m_action = makeEditableCombo(this, QStringLiteral("actionCombo"),
                                 {QString(), QStringLiteral("device."),
                                  QStringLiteral("inventory."), QStringLiteral("group."),
                                  QStringLiteral("filter."), QStringLiteral("workspace.")});
    m_action->setToolTip(tr("Actions starting with this text, e.g. \"device.\""));
    m_objectType = makeEditableCombo(this, QStringLiteral("objectTypeCombo"),
                                     {QString(), QStringLiteral("device"), QStringLiteral("group"),
                                      QStringLiteral("filter"), QStringLiteral("workspace")});
    m_objectId->setObjectName(QStringLiteral("objectIdEdit"));
    m_objectId->setPlaceholderText(tr("device ID, group name, …"));
    m_objectId->setClearButtonEnabled(true);
    auto *clearButton = new QPushButton(tr("Clear filters"), this);
    clearButton->setObjectName(QStringLiteral("clearAuditFilters"));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_fromEnabled, 0, 0);
    layout->addWidget(m_from, 0, 1);
    layout->addWidget(m_toEnabled, 0, 2);
    layout->addWidget(m_to, 0, 3);
    layout->addWidget(new QLabel(tr("Actor:"), this), 0, 4);
    layout->addWidget(m_actor, 0, 5);
    layout->addWidget(new QLabel(tr("Action:"), this), 1, 0);
    layout->addWidget(m_action, 1, 1);
    layout->addWidget(new QLabel(tr("Object type:"), this), 1, 2);
    layout->addWidget(m_objectType, 1, 3);
    layout->addWidget(new QLabel(tr("Object ID:"), this), 1, 4);
    layout->addWidget(m_objectId, 1, 5);
    layout->addWidget(clearButton, 1, 6);
    layout->setColumnStretch(5, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, [this] { emit filterChanged(filter()); });
    auto later = [this] {
        m_debounce->start();
    };
    connect(m_fromEnabled, &QCheckBox::toggled, m_from, &QWidget::setEnabled);
    connect(m_toEnabled, &QCheckBox::toggled, m_to, &QWidget::setEnabled);
    connect(m_fromEnabled, &QCheckBox::toggled, this, later);
    connect(m_toEnabled, &QCheckBox::toggled, this, later);
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, later);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, later);
    connect(m_actor, &QLineEdit::textChanged, this, later);
    connect(m_action, &QComboBox::currentTextChanged, this, later);
    connect(m_objectType, &QComboBox::currentTextChanged, this, later);
    connect(m_objectId, &QLineEdit::textChanged, this, later);
    connect(clearButton, &QPushButton::clicked, this, &AuditFilterBar::clear);
}

AuditFilter AuditFilterBar::filter() const
{
    AuditFilter f;
    if (m_fromEnabled->isChecked())
        f.from = m_from->dateTime();
    if (m_toEnabled->isChecked())
        f.to = m_to->dateTime();
    f.actor = m_actor->text().trimmed();
    f.action = m_action->currentText().trimmed();
    f.objectType = m_objectType->currentText().trimmed();
    f.objectId = m_objectId->text().trimmed();
    return f;
}

void AuditFilterBar::clear()
{
    m_fromEnabled->setChecked(false);
    m_toEnabled->setChecked(false);
    m_actor->clear();
    m_action->setCurrentIndex(0);
    m_action->setEditText(QString());
    m_objectType->setCurrentIndex(0);
    m_objectType->setEditText(QString());
    m_objectId->clear();
}

} // namespace fleet
