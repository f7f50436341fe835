#include "ScreenshotTaker.h"

#include "DeviceTableModel.h"
#include "MainWindow.h"
#include "devices/DevicesPage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QTableView>
#include <QTimer>
#include <cstdio>

namespace fleet {

namespace {
constexpr int kTimeoutMs = 60000;
// After the first page: the facet menus and the count label finish, and the window repaints.
constexpr int kSettleMs = 500;
} // namespace

ScreenshotTaker::ScreenshotTaker(MainWindow &window, QString path, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_path(std::move(path))
{}

void ScreenshotTaker::start()
{
    DeviceTableModel *model = m_window.devicesPage()->model();
    auto settleThenCapture = [this] {
        // Make the first device current so the picture shows the details pane filled in.
        QTableView *table = m_window.devicesPage()->table();
        table->setCurrentIndex(table->model()->index(0, 0));
        QTimer::singleShot(kSettleMs, this, &ScreenshotTaker::capture);
    };
    if (model->hasQueryFinished())
        settleThenCapture();
    else
        connect(model, &DeviceTableModel::queryFinished, this, settleThenCapture,
                Qt::SingleShotConnection);
    connect(model, &DeviceTableModel::queryFailed, this,
            [this](const QString &message) { fail(message); });
    QTimer::singleShot(kTimeoutMs, this, [this] {
        fail(QStringLiteral("the device table did not load within %1 s").arg(kTimeoutMs / 1000));
    });
}

void ScreenshotTaker::capture()
{
    if (m_done)
        return;
    m_done = true;
    const QFileInfo target(m_path);
    QDir().mkpath(target.absolutePath());
    if (!m_window.grab().save(m_path, "PNG")) {
        std::fprintf(stderr, "fleetdesk: cannot write the screenshot to %s\n",
                     qUtf8Printable(m_path));
        QCoreApplication::exit(1);
        return;
    }
    std::printf("Screenshot saved to %s\n", qUtf8Printable(target.absoluteFilePath()));
    QCoreApplication::exit(0);
}

void ScreenshotTaker::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    std::fprintf(stderr, "fleetdesk: no screenshot: %s\n", qUtf8Printable(message));
    QCoreApplication::exit(1);
}

} // namespace fleet
