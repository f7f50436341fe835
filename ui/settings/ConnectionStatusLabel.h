#pragma once

#include "engine/MqttEngineCounters.h"
#include "mqtt/MqttClient.h"
#include "mqtt/MqttError.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QPointer>
#include <QTimer>

namespace fleet {

class MqttEngine;

// The status bar's MQTT field: "disconnected", "connecting to URL", "connected to URL (MQTT 5)",
// "reconnecting in N s" with the last error, and the ingest figures. Follows an MqttEngine's
// signals; counts the reconnect delay down once a second.
class ConnectionStatusLabel : public QLabel
{
    Q_OBJECT
public:
    struct Snapshot
    {
        MqttClient::State state = MqttClient::State::Disconnected;
        QString url;
        int protocolVersion = 0;
        int reconnectInSeconds = -1; // -1: no reconnect scheduled
        bool hasError = false;
        MqttError lastError;
        MqttEngineCounters counters;
        bool everStarted = false;
    };

    explicit ConnectionStatusLabel(QWidget *parent = nullptr);

    // Follows `engine` (nullptr: none, e.g. while a workspace is being swapped).
    void setEngine(MqttEngine *engine);
    // The text for a state; public so the wording is tested without a broker.
    static QString describe(const Snapshot &snapshot);

private:
    void update();

    QPointer<MqttEngine> m_engine;
    QTimer m_countdown;
    QElapsedTimer m_sinceScheduled;
    int m_reconnectDelayMs = -1;
};

} // namespace fleet
