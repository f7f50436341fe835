#pragma once

#include "ddi/DdiLiveness.h"
#include "ddi/DdiService.h"
#include "firmware/ArtifactServeGate.h"
#include "http/HttpHandler.h"

#include <QMutex>
#include <memory>
#include <vector>

namespace fleet {

class Clock;
class SqliteDatabase;

// The update server's HttpHandler: each request borrows a workspace connection from a small
// pool (one per worker thread at most, opened on first need), runs DdiService on it and turns
// the DdiReply into an HttpResponse. Requests that fail are logged once with peer, method,
// path, status and why.
class DdiHttpHandler final : public HttpHandler
{
public:
    DdiHttpHandler(QString workspacePath, const Clock &clock, DdiServiceSettings settings);
    ~DdiHttpHandler() override;

    HttpResponse handle(const HttpRequest &request) override;

    DdiLiveness &liveness() { return m_liveness; }
    ArtifactServeGate &gate() { return m_gate; }
    const DdiServiceSettings &settings() const { return m_settings; }

    static HttpResponse toHttp(const DdiReply &reply, const QString &fileName);

private:
    Result<std::unique_ptr<SqliteDatabase>> acquire();
    void release(std::unique_ptr<SqliteDatabase> db);

    QString m_workspacePath;
    const Clock &m_clock;
    DdiServiceSettings m_settings;
    ArtifactServeGate m_gate;
    DdiLiveness m_liveness;
    QMutex m_poolMutex;
    std::vector<std::unique_ptr<SqliteDatabase>> m_idle;
};

} // namespace fleet
