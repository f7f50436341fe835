#include "ConnectionStatusLabel.h"

#include "engine/MqttEngine.h"

#include <cmath>

namespace fleet {

ConnectionStatusLabel::ConnectionStatusLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("connectionStatusLabel"));
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &ConnectionStatusLabel::update);
    update();
}

void ConnectionStatusLabel::setEngine(MqttEngine *engine)
{
    if (m_engine)
        m_engine->disconnect(this);
    m_engine = engine;
    m_reconnectDelayMs = -1;
    m_countdown.stop();
    if (engine) {
        connect(engine, &MqttEngine::stateChanged, this, [this](MqttClient::State state, int) {
            if (state != MqttClient::State::Reconnecting) {
                m_reconnectDelayMs = -1;
                m_countdown.stop();
            }
            update();
        });
        connect(engine, &MqttEngine::reconnectScheduled, this, [this](int delayMs) {
            m_reconnectDelayMs = delayMs;
            m_sinceScheduled.start();
            m_countdown.start();
            update();
        });
        connect(engine, &MqttEngine::errorOccurred, this, &ConnectionStatusLabel::update);
        connect(engine, &MqttEngine::countersChanged, this, &ConnectionStatusLabel::update);
    }
    update();
}

QString ConnectionStatusLabel::describe(const Snapshot &s)
{
    const QString error =
        s.hasError ? QStringLiteral("%1: %2").arg(MqttError::stageName(s.lastError.stage),
                                                  s.lastError.message)
                   : QString();
    const QString figures =
        tr("%1 messages, %2 rejected").arg(s.counters.messages).arg(s.counters.rejected);
    switch (s.state) {
    case MqttClient::State::Disconnected:
        if (!s.everStarted)
            return tr("MQTT: disconnected");
        return error.isEmpty() ? tr("MQTT: disconnected · %1").arg(figures)
                               : tr("MQTT: disconnected — %1").arg(error);
    case MqttClient::State::Connecting:
        return tr("MQTT: connecting to %1…").arg(s.url);
    case MqttClient::State::Connected:
        return tr("MQTT: connected to %1 (MQTT %2) · %3")
            .arg(s.url, s.protocolVersion == 5 ? QStringLiteral("5") : QStringLiteral("3.1.1"),
                 figures);
    case MqttClient::State::Reconnecting: {
        const QString when =
            s.reconnectInSeconds > 0
                ? tr("reconnecting to %1 in %2 s").arg(s.url).arg(s.reconnectInSeconds)
                : tr("reconnecting to %1…").arg(s.url);
        return error.isEmpty() ? tr("MQTT: %1").arg(when)
                               : tr("MQTT: %1 — last error %2").arg(when, error);
    }
    }
    return {};
}

void ConnectionStatusLabel::update()
{
    Snapshot s;
    if (m_engine) {
        s.state = m_engine->state();
        s.url = m_engine->url();
        s.protocolVersion = m_engine->protocolVersion();
        s.hasError = m_engine->hasError();
        s.lastError = m_engine->lastError();
        s.counters = m_engine->counters();
        s.everStarted = !s.url.isEmpty();
        if (s.state == MqttClient::State::Reconnecting && m_reconnectDelayMs >= 0) {
            const qint64 leftMs = m_reconnectDelayMs - m_sinceScheduled.elapsed();
            s.reconnectInSeconds = int(std::ceil(std::max<qint64>(leftMs, 0) / 1000.0));
        }
    }
    setText(describe(s));
    setToolTip(s.hasError ? tr("Last MQTT error (%1): %2")
                                .arg(MqttError::stageName(s.lastError.stage), s.lastError.message)
                          : QString());
}

} // namespace fleet
