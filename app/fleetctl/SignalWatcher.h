#pragma once

#include <QObject>
#include <QSocketNotifier>
#include <memory>

namespace fleet {

// Turns SIGINT and SIGTERM into a Qt signal. A POSIX signal handler may only call
// async-signal-safe functions, so the handler writes the signal number into one end of a
// socketpair and returns; a QSocketNotifier on the other end emits signalReceived() from the
// event loop, where anything may be done. One instance per process: the handler is global.
class SignalWatcher final : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    // Restores the default dispositions, so a signal after shutdown terminates as usual.
    ~SignalWatcher() override;
    SignalWatcher(const SignalWatcher &) = delete;
    SignalWatcher &operator=(const SignalWatcher &) = delete;

    // Installs the handlers. False (with errorString()) when the socketpair or sigaction
    // fails, or another SignalWatcher is already installed.
    bool install();
    QString errorString() const { return m_error; }

signals:
    void signalReceived(int signalNumber);

private:
    static void handle(int signalNumber);
    static void restoreDefaults();
    void readSignals();

    std::unique_ptr<QSocketNotifier> m_notifier;
    int m_fds[2] = {-1, -1};
    bool m_installed = false;
    QString m_error;
};

} // namespace fleet
