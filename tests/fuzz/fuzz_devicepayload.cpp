// Device reports on arbitrary bytes: the input is "<topic>\n<payload>". Bad topics and payloads
// are rejected with a message; an accepted report keeps the protocol's promises (it belongs to
// the topic's device, has a non-negative seq and a time) and survives SequenceGuard.

#include "FuzzTarget.h"
#include "protocol/DevicePayloadParser.h"
#include "protocol/JobMessage.h"
#include "protocol/SequenceGuard.h"

#include <QDateTime>

using namespace fleet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    if (newline < 0)
        return 0;
    const auto topic = DeviceTopic::parse(QString::fromUtf8(input.left(newline)));
    if (!topic) {
        if (topic.message().isEmpty())
            fuzzViolation("topic rejected without saying why");
        return 0;
    }
    if (topic->toString() != QString::fromUtf8(input.left(newline)))
        fuzzViolation("an accepted topic does not build back to itself");
    const QByteArray payload = input.mid(newline + 1);

    if (topic->channel() == DeviceTopic::Channel::Jobs) {
        const auto job = JobMessage::parse(*topic, payload);
        if (!job) {
            if (job.message().isEmpty())
                fuzzViolation("job rejected without saying why");
            return 0;
        }
        if (job->deviceId != topic->deviceId())
            fuzzViolation("a job for another device was accepted");
        const auto rebuilt = job->build();
        if (!rebuilt)
            fuzzViolation("an accepted job does not build");
        const auto again = JobMessage::parse(*topic, rebuilt.value());
        if (!again || !(again.value() == job.value()))
            fuzzViolation("a job does not survive build and parse");
        return 0;
    }

    const auto report = DevicePayloadParser::parse(*topic, payload);
    if (!report) {
        if (report.message().isEmpty())
            fuzzViolation("payload rejected without saying why");
        return 0;
    }
    if (payload.size() > DevicePayloadParser::maxPayloadBytes)
        fuzzViolation("an oversized payload was accepted");
    const ReportHeader &header = reportHeader(report.value());
    if (header.deviceId != topic->deviceId())
        fuzzViolation("a report for another device was accepted");
    if (header.seq < 0)
        fuzzViolation("a report with a negative seq was accepted");
    if (!header.timestamp.isValid())
        fuzzViolation("a report without a valid time was accepted");
    if (header.extra.contains(QStringLiteral("v")) || header.extra.contains(QStringLiteral("seq")))
        fuzzViolation("a known field ended up among the unknown ones");
    if (const auto *progress = std::get_if<JobProgressReport>(&report.value())) {
        if (progress->jobId != topic->jobId())
            fuzzViolation("progress for another job was accepted");
        if (progress->isFinal() != (topic->channel() == DeviceTopic::Channel::JobResult))
            fuzzViolation("a job state arrived on the wrong channel");
    }

    SequenceGuard guard;
    if (guard.accept(*topic, header.seq) != SequenceGuard::Verdict::Fresh ||
        guard.accept(*topic, header.seq) != SequenceGuard::Verdict::Duplicate ||
        (header.seq > 0 &&
         guard.accept(*topic, header.seq - 1) != SequenceGuard::Verdict::OutOfOrder))
        fuzzViolation("SequenceGuard misjudged a report");
    return 0;
}
