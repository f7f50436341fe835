#include "FailureInjector.h"

#include <QCryptographicHash>

namespace fleet::sim {

FailureInjector::FailureInjector(quint64 seed, const QString &deviceId, Rates rates)
    : m_random(static_cast<quint32>(deviceSeed(seed, deviceId)) ^
               static_cast<quint32>(deviceSeed(seed, deviceId) >> 32))
    , m_rates(rates)
{}

quint64 FailureInjector::deviceSeed(quint64 seed, const QString &deviceId)
{
    // A stable hash (qHash is randomised per process) of seed and id.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::number(seed));
    hash.addData(QByteArrayView("/"));
    hash.addData(deviceId.toUtf8());
    const QByteArray digest = hash.result();
    quint64 value = 0;
    for (int i = 0; i < 8; ++i)
        value = (value << 8) | static_cast<quint8>(digest.at(i));
    return value;
}

bool FailureInjector::chance(int percent)
{
    if (percent <= 0)
        return false;
    if (percent >= 100)
        return true;
    return static_cast<int>(m_random.bounded(100u)) < percent;
}

int FailureInjector::spread(int bound)
{
    return bound <= 0 ? 0 : static_cast<int>(m_random.bounded(static_cast<quint32>(bound)));
}

} // namespace fleet::sim
