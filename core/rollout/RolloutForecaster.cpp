#include "RolloutForecaster.h"

#include "rollout/StartableTimeline.h"

#include <deque>
#include <memory>
#include <queue>
#include <vector>

namespace fleet {

namespace {

constexpr qint64 kMsPerMinute = 60'000;

QDateTime utcAt(qint64 minute)
{
    return QDateTime::fromMSecsSinceEpoch(minute * kMsPerMinute, Qt::UTC);
}

// Devices of one wave that share a schedule, in plan order.
struct ScheduleQueue
{
    int timeline = 0;
    std::vector<qsizetype> devices; // indexes into the forecast's device list
    std::size_t next = 0;
    bool empty() const { return next >= devices.size(); }
    qsizetype head() const { return devices[next]; }
};

struct Entry
{
    qint64 key; // minute (closed queues) or plan position (open queues)
    int queue;
    bool operator>(const Entry &o) const { return key != o.key ? key > o.key : queue > o.queue; }
};
using MinHeap = std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>>;

class Simulation
{
public:
    Simulation(const ForecastSettings &settings, qint64 startMinute)
        : m_settings(settings)
        , m_horizon(startMinute + qint64(settings.horizonDays) * 24 * 60)
        , m_startMinute(startMinute)
    {}

    int timelineFor(const std::optional<WeeklySchedule> &schedule)
    {
        const QString key = schedule ? QString::fromUtf8(schedule->timeZone().id()) +
                                           QLatin1Char('|') + schedule->toString()
                                     : QString();
        if (const auto it = m_timelineOfKey.constFind(key); it != m_timelineOfKey.cend())
            return *it;
        m_timelines.push_back(std::make_unique<StartableTimeline>(
            schedule, m_settings.minutesPerDevice, m_startMinute, m_horizon));
        m_timelineOfKey.insert(key, int(m_timelines.size() - 1));
        return int(m_timelines.size() - 1);
    }

    // Runs one wave from `ready`; fills start/finish of its devices; returns the last finish
    // minute, or nullopt when no device could start.
    std::optional<qint64> runWave(qint64 ready, std::vector<ScheduleQueue> &queues,
                                  QList<RolloutForecast::Device> &devices)
    {
        MinHeap closed; // by next possible start minute
        MinHeap open;   // by plan position of the queue's head
        for (int q = 0; q < int(queues.size()); ++q)
            park(q, ready, queues, devices, closed);

        std::deque<qint64> running; // finish minutes, in order (same duration for all)
        std::optional<qint64> lastFinish;
        qint64 now = ready;
        while (!closed.empty() || !open.empty()) {
            while (!running.empty() && running.front() <= now)
                running.pop_front();
            while (!closed.empty() && closed.top().key <= now) {
                const int q = closed.top().queue;
                closed.pop();
                open.push({queues[q].head(), q});
            }
            const qint64 capacity = std::min<qint64>(
                m_settings.devicesPerMinute, m_settings.maxConcurrent - qint64(running.size()));
            qint64 started = 0;
            while (started < capacity && !open.empty()) {
                const int q = open.top().queue;
                open.pop();
                ScheduleQueue &queue = queues[q];
                const std::optional<qint64> at =
                    m_timelines[queue.timeline]->earliestStartAtOrAfter(now);
                if (at != now) {
                    // Its window closed, or too little of it is left for one more device.
                    park(q, now, queues, devices, closed);
                    continue;
                }
                RolloutForecast::Device &device = devices[queue.head()];
                const qint64 finish = now + m_settings.minutesPerDevice;
                device.start = utcAt(now);
                device.finish = utcAt(finish);
                running.push_back(finish);
                lastFinish = finish;
                ++started;
                ++queue.next;
                if (!queue.empty())
                    open.push({queue.head(), q});
            }

            // The next minute at which anything can change.
            std::optional<qint64> next;
            if (!open.empty())
                next = now + 1; // held back by the rate or the concurrency cap
            if (!closed.empty())
                next = next ? std::min(*next, closed.top().key) : closed.top().key;
            if (!next)
                break;
            if (qint64(running.size()) >= m_settings.maxConcurrent)
                next = std::max(*next, running.front());
            now = std::max(*next, now + 1);
        }
        return lastFinish;
    }

private:
    // Puts a queue aside until its next possible start, or gives up on its remaining devices.
    void park(int q, qint64 from, std::vector<ScheduleQueue> &queues,
              QList<RolloutForecast::Device> &devices, MinHeap &closed)
    {
        ScheduleQueue &queue = queues[q];
        if (queue.empty())
            return;
        StartableTimeline &timeline = *m_timelines[queue.timeline];
        if (const std::optional<qint64> at = timeline.earliestStartAtOrAfter(from)) {
            closed.push({*at, q});
            return;
        }
        const QString reason =
            timeline.hasLongEnoughWindow()
                ? QStringLiteral("no maintenance window at its site opens in time within the "
                                 "%1-day forecast")
                      .arg(m_settings.horizonDays)
                : QStringLiteral("the maintenance windows at its site are shorter than the "
                                 "expected %1 minutes per device")
                      .arg(m_settings.minutesPerDevice);
        for (; !queue.empty(); ++queue.next)
            devices[queue.head()].notScheduledReason = reason;
    }

    const ForecastSettings &m_settings;
    qint64 m_horizon;
    qint64 m_startMinute;
    std::vector<std::unique_ptr<StartableTimeline>> m_timelines;
    QHash<QString, int> m_timelineOfKey;
};

} // namespace

Result<RolloutForecast>
RolloutForecaster::forecast(const WavePlan &plan, const QHash<QString, QString> &siteOfDevice,
                            const QHash<QString, WeeklySchedule> &scheduleOfSite,
                            const ForecastSettings &settings)
{
    if (Status s = settings.validate(); !s)
        return s.error();
    const qint64 startMs = settings.start.toMSecsSinceEpoch();
    // Start on the next whole minute: the forecast runs in minutes.
    const qint64 startMinute = startMs / kMsPerMinute + (startMs % kMsPerMinute > 0 ? 1 : 0);
    Simulation simulation(settings, startMinute);

    QList<RolloutForecast::Device> devices;
    devices.reserve(plan.deviceCount());
    QList<RolloutForecast::Wave> waves;
    qint64 ready = startMinute;
    for (int w = 0; w < plan.waves().size(); ++w) {
        const PlannedWave &planned = plan.waves()[w];
        // Group the wave's devices by schedule; the plan order is kept within each queue and
        // across queues by the device index.
        std::vector<ScheduleQueue> queues;
        QHash<int, int> queueOfTimeline;
        for (const QString &uid : planned.deviceUids) {
            const auto site = siteOfDevice.constFind(uid);
            std::optional<WeeklySchedule> schedule;
            if (site != siteOfDevice.cend())
                if (const auto s = scheduleOfSite.constFind(*site); s != scheduleOfSite.cend())
                    schedule = *s;
            const int timeline = simulation.timelineFor(schedule);
            auto q = queueOfTimeline.constFind(timeline);
            if (q == queueOfTimeline.cend()) {
                q = queueOfTimeline.insert(timeline, int(queues.size()));
                queues.push_back({timeline, {}, 0});
            }
            queues[*q].devices.push_back(devices.size());
            devices.append({uid, w, {}, {}, {}, !schedule.has_value()});
        }

        RolloutForecast::Wave wave;
        wave.name = planned.name;
        wave.devices = planned.deviceUids.size();
        wave.readyAt = utcAt(ready);
        const qsizetype firstDevice = devices.size() - planned.deviceUids.size();
        const std::optional<qint64> lastFinish = simulation.runWave(ready, queues, devices);
        for (qsizetype i = firstDevice; i < devices.size(); ++i) {
            if (!devices[i].start.isValid())
                continue;
            ++wave.scheduled;
            if (!wave.firstStart.isValid() || devices[i].start < wave.firstStart)
                wave.firstStart = devices[i].start;
        }
        if (lastFinish)
            wave.lastFinish = utcAt(*lastFinish);
        waves.append(wave);
        ready = std::max(ready, lastFinish.value_or(ready)) + settings.minutesBetweenWaves;
    }
    return RolloutForecast(std::move(waves), std::move(devices));
}

} // namespace fleet
