#pragma once

#include "http/HttpServer.h"
#include "settings/UpdateServerController.h"

#include <QLabel>
#include <QPointer>

namespace fleet {

// The status bar's update-server field: "Update server: off", "starting…", "listening on URL ·
// N requests" (the figures the controller fetches every 2 s), or why it stopped. Follows an
// UpdateServerController's signals.
class UpdateServerStatusLabel : public QLabel
{
    Q_OBJECT
public:
    struct Snapshot
    {
        UpdateServerController::State state = UpdateServerController::State::Stopped;
        QString url;
        QString lastError;
        HttpServerCounters counters;
    };

    explicit UpdateServerStatusLabel(QWidget *parent = nullptr);

    // Follows `controller` (nullptr: none, e.g. while a workspace is being swapped).
    void setController(UpdateServerController *controller);
    // The text for a state; public so the wording is tested without a server.
    static QString describe(const Snapshot &snapshot);

private:
    void update();

    QPointer<UpdateServerController> m_controller;
};

} // namespace fleet
