#include "DeviceFilterBar.h"

#include "FacetButton.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>

namespace fleet {

namespace {
// Long enough that typing a word is one query, short enough to feel immediate.
constexpr int kSearchDebounceMs = 250;

struct FacetSpec
{
    const char *key;
    const char *label;
};
constexpr FacetSpec kFacets[] = {
    {"model", QT_TRANSLATE_NOOP("fleet::DeviceFilterBar", "Model")},
    {"fw_version", QT_TRANSLATE_NOOP("fleet::DeviceFilterBar", "Firmware")},
    {"site", QT_TRANSLATE_NOOP("fleet::DeviceFilterBar", "Site")},
    {"group", QT_TRANSLATE_NOOP("fleet::DeviceFilterBar", "Group")},
    {"state", QT_TRANSLATE_NOOP("fleet::DeviceFilterBar", "State")},
    {"tag", QT_TRANSLATE_NOOP("fleet::DeviceFilterBar", "Tag")},
};
enum OnlineChoice { AnyConnection, OnlineOnly, OfflineOnly };
} // namespace

DeviceFilterBar::DeviceFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_searchDebounce(new QTimer(this))
    , m_online(new QComboBox(this))
{
    m_search->setObjectName(QStringLiteral("searchEdit"));
    m_search->setPlaceholderText(tr("Search ID, name, serial, IP, site, notes…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(220);
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(kSearchDebounceMs);
    connect(m_search, &QLineEdit::textEdited, m_searchDebounce, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDebounce->stop();
        emitChanged();
    });
    connect(m_searchDebounce, &QTimer::timeout, this, &DeviceFilterBar::emitChanged);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search, 1);
    for (const FacetSpec &spec : kFacets) {
        auto *button = new FacetButton(QString::fromLatin1(spec.key), tr(spec.label), this);
        connect(button, &FacetButton::selectionChanged, this, &DeviceFilterBar::emitChanged);
        m_facets << button;
        layout->addWidget(button);
    }

    m_online->setObjectName(QStringLiteral("onlineCombo"));
    m_online->addItem(tr("Online or offline"));
    m_online->addItem(tr("Online"));
    m_online->addItem(tr("Offline"));
    connect(m_online, &QComboBox::currentIndexChanged, this, &DeviceFilterBar::emitChanged);
    layout->addWidget(m_online);

    auto *clear = new QPushButton(tr("Clear filters"), this);
    clear->setObjectName(QStringLiteral("clearFiltersButton"));
    connect(clear, &QPushButton::clicked, this, [this] { setFilter({}); });
    layout->addWidget(clear);
}

QStringList DeviceFilterBar::facets()
{
    QStringList keys;
    for (const FacetSpec &spec : kFacets)
        keys << QString::fromLatin1(spec.key);
    return keys;
}

FacetButton *DeviceFilterBar::facetButton(const QString &facet) const
{
    for (FacetButton *button : m_facets)
        if (button->facet() == facet)
            return button;
    return nullptr;
}

DeviceFilter DeviceFilterBar::filter() const
{
    DeviceFilter f;
    f.text = m_search->text().trimmed();
    f.models = facetButton(QStringLiteral("model"))->selectedValues();
    f.firmware = facetButton(QStringLiteral("fw_version"))->selectedValues();
    f.sites = facetButton(QStringLiteral("site"))->selectedValues();
    f.groups = facetButton(QStringLiteral("group"))->selectedValues();
    f.states = facetButton(QStringLiteral("state"))->selectedValues();
    f.tags = facetButton(QStringLiteral("tag"))->selectedValues();
    if (m_online->currentIndex() == OnlineOnly)
        f.online = true;
    else if (m_online->currentIndex() == OfflineOnly)
        f.online = false;
    return f;
}

void DeviceFilterBar::setFilter(const DeviceFilter &filter)
{
    m_applying = true;
    m_searchDebounce->stop();
    m_search->setText(filter.text);
    facetButton(QStringLiteral("model"))->setSelectedValues(filter.models);
    facetButton(QStringLiteral("fw_version"))->setSelectedValues(filter.firmware);
    facetButton(QStringLiteral("site"))->setSelectedValues(filter.sites);
    facetButton(QStringLiteral("group"))->setSelectedValues(filter.groups);
    facetButton(QStringLiteral("state"))->setSelectedValues(filter.states);
    facetButton(QStringLiteral("tag"))->setSelectedValues(filter.tags);
    m_online->setCurrentIndex(!filter.online ? AnyConnection
                                             : (*filter.online ? OnlineOnly : OfflineOnly));
    m_applying = false;
    emitChanged();
}

void DeviceFilterBar::setFacetValues(const QString &facet, const FacetValues &values)
{
    if (FacetButton *button = facetButton(facet))
        button->setValues(values);
}

void DeviceFilterBar::emitChanged()
{
    if (!m_applying)
        emit filterChanged(filter());
}

} // namespace fleet
