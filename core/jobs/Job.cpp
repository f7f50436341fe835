#include "jobs/Job.h"

#include "protocol/DeviceReports.h"

#include <QRandomGenerator>

namespace fleet {

QStringList Job::stateNames()
{
    QStringList running = JobProgressReport::progressStates();
    const qsizetype downloading = running.indexOf(QStringLiteral("downloading"));
    running.insert(downloading < 0 ? running.size() : downloading + 1, downloadedState());
    return QStringList{createdState(), sentState()} + running + finalStates();
}

QStringList Job::finalStates()
{
    return JobProgressReport::finalStates() + QStringList{timedOutState(), cancelledState()};
}

bool Job::isFinalState(const QString &state)
{
    return finalStates().contains(state);
}

QString Job::makeId(const QDateTime &nowUtc)
{
    // RFC 4648 base32 in lower case: no 0/1/8 to confuse with o/l/b when read aloud.
    static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    QString id = QStringLiteral("j-") + nowUtc.toUTC().toString(QStringLiteral("yyyyMMdd")) +
                 QLatin1Char('-');
    quint64 bits = QRandomGenerator::system()->generate64();
    for (int i = 0; i < 10; ++i) {
        id += QLatin1Char(kAlphabet[bits & 31]);
        bits >>= 5;
    }
    return id;
}

} // namespace fleet
