#include "DdiFeedback.h"

#include "DdiPath.h"
#include "protocol/JsonFieldReader.h"

namespace fleet {

namespace {

const QStringList executionNames = {
    QStringLiteral("proceeding"), QStringLiteral("scheduled"), QStringLiteral("rejected"),
    QStringLiteral("canceled"),   QStringLiteral("closed"),    QStringLiteral("resumed"),
    QStringLiteral("downloaded"), QStringLiteral("download"),
};
const QStringList finishedNames = {QStringLiteral("success"), QStringLiteral("failure"),
                                   QStringLiteral("none")};

using Need = JsonFieldReader::Need;

} // namespace

QString DdiFeedback::executionName(Execution execution)
{
    return executionNames.at(int(execution));
}

QString DdiFeedback::finishedName(Finished finished)
{
    return finishedNames.at(int(finished));
}

bool DdiFeedback::endsAction() const
{
    return execution == Execution::Closed || execution == Execution::Canceled ||
           execution == Execution::Rejected;
}

Result<DdiFeedback> DdiFeedback::parse(const QByteArray &body)
{
    auto decoded = JsonFieldReader::decodeObject(body, maxBodyBytes, maxDepth);
    if (!decoded)
        return Error::invalid(QStringLiteral("feedback: %1").arg(decoded.message()));

    DdiFeedback feedback;
    JsonFieldReader top(decoded.value());
    QJsonObject status;
    top.object(QStringLiteral("status"), Need::Required, &status);
    // "id" is the action id as a string (SWUpdate) or a number (hawkBit's examples).
    if (top.has(QStringLiteral("id")) && top.ok()) {
        const QJsonValue id = decoded->value(QStringLiteral("id"));
        QString text;
        if (id.isString())
            top.string(QStringLiteral("id"), Need::Required, &text, 18);
        else
            top.integer(QStringLiteral("id"), Need::Required, 1, JsonFieldReader::maxSafeInteger,
                        &feedback.actionId);
        if (top.ok() && id.isString()) {
            if (!DdiPath::isValidNumericId(text))
                top.fail(QStringLiteral("field \"id\" is not a positive decimal action id"));
            else
                feedback.actionId = text.toLongLong();
        }
    }
    QString time;
    top.string(QStringLiteral("time"), Need::Optional, &time, 32);
    if (top.ok() && !time.isEmpty()) {
        feedback.time = QDateTime::fromString(time, QStringLiteral("yyyyMMdd'T'HHmmss"));
        feedback.time.setTimeSpec(Qt::UTC);
        if (!feedback.time.isValid())
            top.fail(QStringLiteral("field \"time\" is \"%1\"; expected yyyyMMddTHHmmss")
                         .arg(time.left(32)));
    }
    if (!top.ok())
        return Error::invalid(QStringLiteral("feedback: %1").arg(top.error().message));
    feedback.unknownFieldCount += int(top.unknownFields().size());

    JsonFieldReader statusReader(status, QStringLiteral("status"));
    QString execution;
    statusReader.choice(QStringLiteral("execution"), Need::Required, executionNames, &execution);
    QJsonObject result;
    statusReader.object(QStringLiteral("result"), Need::Required, &result);
    QJsonArray details;
    statusReader.array(QStringLiteral("details"), Need::Optional, maxDetails, &details);
    // hawkBit 0.3+ has an optional numeric "code"; read so it is not counted as unknown.
    qint64 code = 0;
    statusReader.integer(QStringLiteral("code"), Need::Optional, -2147483648LL, 2147483647LL,
                         &code);
    for (qsizetype i = 0; i < details.size() && statusReader.ok(); ++i) {
        const QJsonValue detail = details.at(i);
        const QString field = statusReader.childPath(QStringLiteral("details"), i);
        if (!detail.isString())
            statusReader.fail(QStringLiteral("field \"%1\" is %2; expected a string")
                                  .arg(field, JsonFieldReader::typeName(detail)));
        else if (detail.toString().size() > maxDetailLength)
            statusReader.fail(QStringLiteral("field \"%1\" is too long (%2 characters; limit %3)")
                                  .arg(field)
                                  .arg(detail.toString().size())
                                  .arg(maxDetailLength));
        else
            feedback.details.append(detail.toString());
    }
    if (!statusReader.ok())
        return Error::invalid(QStringLiteral("feedback: %1").arg(statusReader.error().message));
    feedback.execution = Execution(executionNames.indexOf(execution));
    feedback.unknownFieldCount += int(statusReader.unknownFields().size());

    JsonFieldReader resultReader(result, QStringLiteral("status.result"));
    QString finished;
    resultReader.choice(QStringLiteral("finished"), Need::Required, finishedNames, &finished);
    QJsonObject progress;
    resultReader.object(QStringLiteral("progress"), Need::Optional, &progress);
    if (!resultReader.ok())
        return Error::invalid(QStringLiteral("feedback: %1").arg(resultReader.error().message));
    feedback.finished = Finished(finishedNames.indexOf(finished));
    feedback.unknownFieldCount += int(resultReader.unknownFields().size());

    if (resultReader.has(QStringLiteral("progress"))) {
        JsonFieldReader progressReader(progress, QStringLiteral("status.result.progress"));
        progressReader.integer(QStringLiteral("cnt"), Need::Required, 0,
                               JsonFieldReader::maxSafeInteger, &feedback.progressCount);
        progressReader.integer(QStringLiteral("of"), Need::Required, 0,
                               JsonFieldReader::maxSafeInteger, &feedback.progressOf);
        // No "cnt <= of" rule: SWUpdate 2022.12 sends {"cnt":1,"of":0} with its log lines
        // (docs/swupdate-observed.md); refusing that would lose the log. Percentages clamp.
        if (!progressReader.ok())
            return Error::invalid(
                QStringLiteral("feedback: %1").arg(progressReader.error().message));
        feedback.hasProgress = true;
        feedback.unknownFieldCount += int(progressReader.unknownFields().size());
    }
    return feedback;
}

} // namespace fleet
