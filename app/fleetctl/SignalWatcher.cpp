#include "SignalWatcher.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fleet {

namespace {

// The write end for the handler, in a type it may read atomically. It is set before the handlers
// are installed and cleared after they are removed, never while one can run.
volatile std::sig_atomic_t g_writeFd = -1;

constexpr int watchedSignals[] = {SIGINT, SIGTERM};

} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent)
{}

SignalWatcher::~SignalWatcher()
{
    if (m_installed)
        restoreDefaults();
    m_notifier.reset();
    for (int fd : m_fds) {
        if (fd >= 0)
            ::close(fd);
    }
}

void SignalWatcher::restoreDefaults()
{
    struct sigaction action = {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int sig : watchedSignals)
        sigaction(sig, &action, nullptr);
    g_writeFd = -1;
}

bool SignalWatcher::install()
{
    if (m_installed)
        return true;
    if (g_writeFd != -1) {
        m_error = QStringLiteral("another signal watcher is already installed");
        return false;
    }
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m_fds) != 0) {
        m_error = QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    // A full buffer must never block the handler; a dropped byte is harmless because one
    // pending byte already wakes the event loop.
    ::fcntl(m_fds[0], F_SETFL, ::fcntl(m_fds[0], F_GETFL) | O_NONBLOCK);
    ::fcntl(m_fds[1], F_SETFL, ::fcntl(m_fds[1], F_GETFL) | O_NONBLOCK);

    m_notifier = std::make_unique<QSocketNotifier>(m_fds[1], QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SignalWatcher::readSignals);

    g_writeFd = m_fds[0];
    struct sigaction action = {};
    action.sa_handler = &SignalWatcher::handle;
    sigemptyset(&action.sa_mask);
    // Restart interrupted system calls: the rest of the program does not expect EINTR.
    action.sa_flags = SA_RESTART;
    for (int sig : watchedSignals) {
        if (sigaction(sig, &action, nullptr) != 0) {
            m_error = QStringLiteral("sigaction: %1").arg(QString::fromLocal8Bit(strerror(errno)));
            restoreDefaults();
            return false;
        }
    }
    m_installed = true;
    return true;
}

void SignalWatcher::handle(int signalNumber)
{
    // Only async-signal-safe calls here; errno is saved because the interrupted code may be
    // about to read it.
    const int savedErrno = errno;
    const int fd = g_writeFd;
    if (fd >= 0) {
        const unsigned char byte = static_cast<unsigned char>(signalNumber);
        [[maybe_unused]] const ssize_t written = ::write(fd, &byte, 1);
    }
    errno = savedErrno;
}

void SignalWatcher::readSignals()
{
    unsigned char buffer[16];
    for (;;) {
        const ssize_t n = ::read(m_fds[1], buffer, sizeof buffer);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; ++i)
            emit signalReceived(buffer[i]);
    }
}

} // namespace fleet
