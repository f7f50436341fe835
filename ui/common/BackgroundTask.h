#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <type_traits>

namespace fleet {

// Runs `work` on the thread pool and hands its result to `done` on `context`'s thread. If the
// context is destroyed first, `done` is not called (the work still finishes; it must own what
// it uses, e.g. a BackgroundSession held by shared_ptr).
class BackgroundTask
{
public:
    template<typename Work, typename Done> static void run(QObject *context, Work work, Done done)
    {
        using Value = std::invoke_result_t<Work>;
        auto *watcher = new QFutureWatcher<Value>(context);
        QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                         [watcher, done = std::move(done)] {
                             done(watcher->result());
                             watcher->deleteLater();
                         });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
    }
};

} // namespace fleet
