#pragma once

#include <QDateTime>

namespace fleet {

// Where "now" comes from. Everything time-based takes a Clock so tests can drive time exactly.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime nowUtc() const = 0;
    qint64 nowMs() const { return nowUtc().toMSecsSinceEpoch(); }
};

class SystemClock final : public Clock
{
public:
    QDateTime nowUtc() const override { return QDateTime::currentDateTimeUtc(); }
    // The process-wide system clock, for code that was not handed another.
    static const Clock &instance();
};

// A clock that only moves when told to: for tests and plan previews.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start)
        : m_now(start.toUTC())
    {}
    QDateTime nowUtc() const override { return m_now; }
    void setNow(const QDateTime &t) { m_now = t.toUTC(); }
    void advanceMs(qint64 ms) { m_now = m_now.addMSecs(ms); }

private:
    QDateTime m_now;
};

} // namespace fleet
