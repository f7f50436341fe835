#include "RolloutForecast.h"

namespace fleet {

RolloutForecast::RolloutForecast(QList<Wave> waves, QList<Device> devices)
    : m_waves(std::move(waves))
    , m_devices(std::move(devices))
{
    m_indexOfDevice.reserve(m_devices.size());
    for (qsizetype i = 0; i < m_devices.size(); ++i)
        m_indexOfDevice.insert(m_devices[i].uid, i);
}

const RolloutForecast::Device *RolloutForecast::device(const QString &uid) const
{
    const auto it = m_indexOfDevice.constFind(uid);
    return it == m_indexOfDevice.cend() ? nullptr : &m_devices[*it];
}

qint64 RolloutForecast::notScheduledCount() const
{
    qint64 n = 0;
    for (const Device &d : m_devices)
        if (!d.start.isValid())
            ++n;
    return n;
}

qint64 RolloutForecast::withoutWindowCount() const
{
    qint64 n = 0;
    for (const Device &d : m_devices)
        if (d.withoutWindow)
            ++n;
    return n;
}

QDateTime RolloutForecast::end() const
{
    QDateTime last;
    for (const Wave &w : m_waves)
        if (w.lastFinish.isValid() && (!last.isValid() || w.lastFinish > last))
            last = w.lastFinish;
    return last;
}

} // namespace fleet
