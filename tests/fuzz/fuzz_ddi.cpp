// hawkBit DDI input on arbitrary bytes. The first byte picks the parser: 'p' a request target
// (DdiPath), 'f' an action feedback body (DdiFeedback), 'c' a configData body (DdiConfigData);
// the rest is the input. Bad input is rejected with a message; accepted input keeps the
// parsers' promises (ids valid, limits held).

#include "FuzzTarget.h"
#include "ddi/DdiConfigData.h"
#include "ddi/DdiFeedback.h"
#include "ddi/DdiPath.h"

using namespace fleet;

namespace {

void checkPath(const QByteArray &input)
{
    const auto path = DdiPath::parse(input);
    if (!path) {
        if (path.message().isEmpty())
            fuzzViolation("path rejected without saying why");
        return;
    }
    if (input.size() > DdiPath::maxTargetBytes)
        fuzzViolation("an oversized path was accepted");
    if (!DdiPath::isValidTenant(path->tenant()) ||
        !DdiPath::isValidControllerId(path->controllerId()))
        fuzzViolation("an invalid tenant or controller id was accepted");
    using Resource = DdiPath::Resource;
    const Resource resource = path->resource();
    const bool hasAction =
        resource == Resource::DeploymentBase || resource == Resource::DeploymentFeedback ||
        resource == Resource::CancelAction || resource == Resource::CancelFeedback ||
        resource == Resource::InstalledBase;
    if (hasAction != (path->actionId() > 0))
        fuzzViolation("an action id does not match the resource");
    const bool artifact = resource == Resource::Artifact || resource == Resource::ArtifactMd5Sum;
    if (artifact != (path->moduleId() > 0))
        fuzzViolation("a module id does not match the resource");
    if (artifact && !DdiPath::isValidFileName(path->fileName()))
        fuzzViolation("an invalid artifact file name was accepted");
    if (!path->cacheHint().isEmpty() && resource != Resource::DeploymentBase)
        fuzzViolation("a query was accepted outside deploymentBase");
}

void checkFeedback(const QByteArray &input)
{
    const auto feedback = DdiFeedback::parse(input);
    if (!feedback) {
        if (feedback.message().isEmpty())
            fuzzViolation("feedback rejected without saying why");
        return;
    }
    if (input.size() > DdiFeedback::maxBodyBytes)
        fuzzViolation("an oversized feedback was accepted");
    if (feedback->details.size() > DdiFeedback::maxDetails)
        fuzzViolation("too many details were accepted");
    for (const QString &detail : feedback->details)
        if (detail.size() > DdiFeedback::maxDetailLength)
            fuzzViolation("an overlong detail was accepted");
    // cnt above of is accepted (SWUpdate sends it); negative values never are.
    if (feedback->progressCount < 0 || feedback->progressOf < 0)
        fuzzViolation("negative progress was accepted");
    if (feedback->actionId < 0 || feedback->unknownFieldCount < 0)
        fuzzViolation("a negative id or count");
}

void checkConfigData(const QByteArray &input)
{
    const auto config = DdiConfigData::parse(input);
    if (!config) {
        if (config.message().isEmpty())
            fuzzViolation("configData rejected without saying why");
        return;
    }
    if (config->data.size() > DdiConfigData::maxEntries)
        fuzzViolation("too many configData entries were accepted");
    for (auto it = config->data.constBegin(); it != config->data.constEnd(); ++it)
        if (it.key().isEmpty() || it.key().size() > DdiConfigData::maxKeyLength ||
            it.value().size() > DdiConfigData::maxValueLength)
            fuzzViolation("a configData entry beyond the limits was accepted");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    switch (data[0]) {
    case 'p':
        checkPath(input);
        break;
    case 'f':
        checkFeedback(input);
        break;
    case 'c':
        checkConfigData(input);
        break;
    default:
        break;
    }
    return 0;
}
