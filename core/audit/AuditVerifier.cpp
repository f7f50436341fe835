#include "AuditVerifier.h"

#include "audit/AuditEntry.h"
#include "audit/AuditHeadAnchor.h"
#include "storage/SqliteDatabase.h"

namespace fleet {

QString AuditVerification::summary() const
{
    if (intact) {
        QString s = QStringLiteral("intact: %1 entries, head %2").arg(entries).arg(headHash);
        if (!anchored)
            s += QStringLiteral(" (no external head anchor: a cut-off tail cannot be ruled out)");
        return s;
    }
    return QStringLiteral("broken at entry %1: %2").arg(firstBrokenSeq).arg(problem);
}

Result<AuditVerification> AuditVerifier::verify(SqliteDatabase &db, const QString &headAnchorPath)
{
    auto rows = db.prepare(QStringLiteral(
        "SELECT seq, ts_ms, os_user, operator, host, action, object_type, object_id, "
        "before_json, after_json, reason, prev_hash, hash FROM audit_log ORDER BY seq"));
    if (!rows)
        return rows.error();

    AuditVerification v;
    QString running = AuditEntry::genesisHash();
    qint64 expectedSeq = 1;
    qint64 lastTs = 0;
    auto breakAt = [&v](qint64 seq, QString problem) {
        v.intact = false;
        v.firstBrokenSeq = seq;
        v.problem = std::move(problem);
        return v;
    };
    for (;;) {
        auto more = rows->step();
        if (!more)
            return Error::failed(
                QStringLiteral("Cannot read the audit trail: %1").arg(more.message()));
        if (!more.value())
            break;
        AuditEntry e;
        e.seq = rows->int64(0);
        e.tsMs = rows->int64(1);
        e.osUser = rows->text(2);
        e.operatorName = rows->text(3);
        e.host = rows->text(4);
        e.action = rows->text(5);
        e.objectType = rows->text(6);
        e.objectId = rows->text(7);
        e.beforeJson = rows->text(8);
        e.afterJson = rows->text(9);
        e.reason = rows->text(10);
        e.prevHash = rows->text(11);
        e.hash = rows->text(12);

        if (e.seq != expectedSeq)
            return breakAt(expectedSeq,
                           QStringLiteral("entry %1 is missing (next stored entry is %2)")
                               .arg(expectedSeq)
                               .arg(e.seq));
        if (e.prevHash != running)
            return breakAt(e.seq, QStringLiteral("it does not link to the entry before it (an "
                                                 "earlier entry was removed, reordered or "
                                                 "rewritten)"));
        if (e.computeHash() != e.hash)
            return breakAt(e.seq, QStringLiteral("its content does not match its hash (the "
                                                 "entry was altered)"));
        if (e.tsMs < lastTs)
            v.warnings << QStringLiteral("entry %1 is timestamped before entry %2: the clock "
                                         "was stepped back")
                              .arg(e.seq)
                              .arg(e.seq - 1);
        lastTs = e.tsMs;
        running = e.hash;
        ++expectedSeq;
    }
    v.entries = expectedSeq - 1;
    v.headHash = running;

    auto head = AuditHeadAnchor(headAnchorPath).read();
    if (!head)
        return breakAt(v.entries, head.message());
    if (head.value()) {
        v.anchored = true;
        const auto &anchored = *head.value();
        if (anchored.count > v.entries)
            return breakAt(v.entries + 1,
                           QStringLiteral("the trail ends at entry %1 but its head was anchored "
                                          "at entry %2: %3 entries were cut off the end")
                               .arg(v.entries)
                               .arg(anchored.count)
                               .arg(anchored.count - v.entries));
        if (anchored.count > 0) {
            auto at = db.scalar(QStringLiteral("SELECT hash FROM audit_log WHERE seq = ?"),
                                {anchored.count});
            if (!at)
                return at.error();
            if (at.value().toString() != anchored.hash)
                return breakAt(anchored.count,
                               QStringLiteral("it differs from the anchored head: the trail "
                                              "was rewritten up to here"));
        }
    }
    v.intact = true;
    return v;
}

} // namespace fleet
