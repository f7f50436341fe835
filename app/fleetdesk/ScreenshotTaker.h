#pragma once

#include <QObject>
#include <QString>

namespace fleet {

class MainWindow;

// --screenshot: waits until the device table shows its first page, renders the window to a PNG
// and quits the application (exit code 0, or 1 when saving failed or loading took too long).
class ScreenshotTaker : public QObject
{
    Q_OBJECT
public:
    ScreenshotTaker(MainWindow &window, QString path, QObject *parent = nullptr);
    void start();

private:
    void capture();
    void fail(const QString &message);

    MainWindow &m_window;
    QString m_path;
    bool m_done = false;
};

} // namespace fleet
