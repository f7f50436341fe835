#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace fleet {

// Running totals of an MqttEngine since its last start(), for the status bar and `serve`.
struct MqttEngineCounters
{
    qint64 messages = 0;   // every message received from the broker
    qint64 rejected = 0;   // reports refused (bad topic, payload or sequence)
    qint64 duplicates = 0; // reports seen before (QoS 1 redelivery)
    qint64 replays = 0;    // reports older than one already written
    qint64 written = 0;    // accepted messages written in committed batches

    friend bool operator==(const MqttEngineCounters &, const MqttEngineCounters &) = default;
};

} // namespace fleet

Q_DECLARE_METATYPE(fleet::MqttEngineCounters)
