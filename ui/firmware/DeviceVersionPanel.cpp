#include "DeviceVersionPanel.h"

#include "charts/HorizontalBarChart.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace fleet {

namespace {
// Beyond this many versions the chart would be unreadable: the rest are summed in one bar.
constexpr int kMaxBars = 12;
} // namespace

DeviceVersionPanel::DeviceVersionPanel(QWidget *parent)
    : QWidget(parent)
    , m_caption(new QLabel(this))
    , m_chart(new HorizontalBarChart(this))
    , m_table(new QTableWidget(0, 2, this))
{
    setObjectName(QStringLiteral("deviceVersionPanel"));
    m_caption->setObjectName(QStringLiteral("versionCountsCaption"));
    m_caption->setWordWrap(true);
    m_chart->setObjectName(QStringLiteral("versionChart"));
    m_chart->setMinimumHeight(180);
    m_table->setObjectName(QStringLiteral("versionCountsTable"));
    m_table->setHorizontalHeaderLabels({tr("Version"), tr("Devices")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setFixedWidth(200);

    auto *body = new QHBoxLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->addWidget(m_chart, 1);
    body->addWidget(m_table);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);
    layout->addLayout(body, 1);
}

void DeviceVersionPanel::setCounts(const QList<FirmwareVersionCounts::Entry> &counts,
                                   const QString &scope, const QString &highlight)
{
    qint64 total = 0;
    for (const auto &entry : counts)
        total += entry.devices;
    QString caption = tr("<b>Devices by firmware version</b> — %1, %2 devices")
                          .arg(scope, QLocale().toString(total));
    if (!highlight.isEmpty())
        caption += tr("; the selected release's version %1 is highlighted").arg(highlight);
    m_caption->setText(caption);

    QList<HorizontalBarChart::Bar> bars;
    int highlighted = -1;
    qint64 others = 0;
    for (const auto &entry : counts) {
        const QString label = entry.version.isEmpty() ? tr("(none reported)") : entry.version;
        // The selected version keeps its own bar even when it is rare.
        if (bars.size() < kMaxBars - 1 || entry.version == highlight) {
            if (!highlight.isEmpty() && entry.version == highlight)
                highlighted = int(bars.size());
            bars.append({label, entry.devices});
        } else {
            others += entry.devices;
        }
    }
    if (others > 0)
        bars.append({tr("(other versions)"), others});
    m_chart->setBars(bars, highlighted);

    m_table->setRowCount(int(counts.size()));
    for (int row = 0; row < counts.size(); ++row) {
        const auto &entry = counts.at(row);
        auto *version =
            new QTableWidgetItem(entry.version.isEmpty() ? tr("(none reported)") : entry.version);
        auto *devices = new QTableWidgetItem(QLocale().toString(entry.devices));
        devices->setData(Qt::UserRole, entry.devices);
        devices->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!highlight.isEmpty() && entry.version == highlight) {
            QFont bold = version->font();
            bold.setBold(true);
            version->setFont(bold);
            devices->setFont(bold);
            version->setBackground(QColor(0xfd, 0xe8, 0xcc));
            devices->setBackground(QColor(0xfd, 0xe8, 0xcc));
        }
        m_table->setItem(row, 0, version);
        m_table->setItem(row, 1, devices);
    }
}

void DeviceVersionPanel::showError(const QString &message)
{
    m_caption->setText(
        tr("<b>Devices by firmware version</b> — cannot count: %1").arg(message.toHtmlEscaped()));
    m_chart->setBars({});
    m_table->setRowCount(0);
}

} // namespace fleet
