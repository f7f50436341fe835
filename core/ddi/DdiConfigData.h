#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace fleet {

// The body a device PUTs to configData: its attributes and how they combine with the ones the
// server already has.
//   {"mode":"merge","data":{"hwRevision":"2","VIN":"JH4TB2H26CC000000"}}
// SWUpdate also sends the old "id"/"time"/"status" fields; those are ignored and counted.
class DdiConfigData
{
public:
    enum class Mode { Merge, Replace, Remove };

    static constexpr qsizetype maxBodyBytes = 64 * 1024;
    static constexpr qsizetype maxEntries = 100;
    static constexpr qsizetype maxKeyLength = 128;
    static constexpr qsizetype maxValueLength = 1024;
    static constexpr int maxDepth = 8;

    static Result<DdiConfigData> parse(const QByteArray &body);
    static QString modeName(Mode mode);

    // hawkBit's default when "mode" is absent.
    Mode mode = Mode::Merge;
    QMap<QString, QString> data;
    int unknownFieldCount = 0;
};

} // namespace fleet
