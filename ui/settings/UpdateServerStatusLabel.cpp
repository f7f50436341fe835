#include "UpdateServerStatusLabel.h"

#include <QLocale>

namespace fleet {

UpdateServerStatusLabel::UpdateServerStatusLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("updateServerStatusLabel"));
    setContentsMargins(8, 0, 8, 0); // apart from the MQTT field next to it
    update();
}

void UpdateServerStatusLabel::setController(UpdateServerController *controller)
{
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (controller) {
        connect(controller, &UpdateServerController::stateChanged, this,
                &UpdateServerStatusLabel::update);
        connect(controller, &UpdateServerController::countersChanged, this,
                &UpdateServerStatusLabel::update);
    }
    update();
}

QString UpdateServerStatusLabel::describe(const Snapshot &s)
{
    using State = UpdateServerController::State;
    switch (s.state) {
    case State::Stopped:
        return s.lastError.isEmpty() ? tr("Update server: off")
                                     : tr("Update server: off — %1").arg(s.lastError);
    case State::Starting:
        return tr("Update server: starting…");
    case State::Stopping:
        return tr("Update server: stopping…");
    case State::Listening: {
        const QString requests =
            s.counters.requests == 1
                ? tr("1 request")
                : tr("%1 requests").arg(QLocale().toString(qulonglong(s.counters.requests)));
        const QString listening = tr("Update server: listening on %1 · %2").arg(s.url, requests);
        return s.lastError.isEmpty() ? listening
                                     : tr("%1 — last error: %2").arg(listening, s.lastError);
    }
    }
    return {};
}

void UpdateServerStatusLabel::update()
{
    Snapshot s;
    if (m_controller) {
        s.state = m_controller->state();
        s.url = m_controller->url();
        s.lastError = m_controller->lastError();
        s.counters = m_controller->counters();
    }
    setText(describe(s));
    if (s.state == UpdateServerController::State::Listening)
        setToolTip(tr("Devices reach the update server at %1. Requests: %2 answered with 2xx, "
                      "%3 with 4xx, %4 with 5xx; %5 connections open.")
                       .arg(s.url)
                       .arg(s.counters.responses2xx)
                       .arg(s.counters.responses4xx)
                       .arg(s.counters.responses5xx)
                       .arg(s.counters.openConnections));
    else
        setToolTip(s.lastError);
}

} // namespace fleet
