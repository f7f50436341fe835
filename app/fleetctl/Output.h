#pragma once

#include <QJsonValue>
#include <QString>
#include <cstdio>

namespace fleet {

// Where fleetctl writes: results on stdout (text for people, or exactly one JSON document with
// --json), diagnostics on stderr. Everything is UTF-8 whatever the locale, so a pipeline reading
// device names gets the same bytes on every machine.
class Output
{
public:
    explicit Output(bool json, FILE *out = stdout, FILE *err = stderr);

    bool isJson() const { return m_json; }
    // A line of the text result. Ignored with --json, so commands can describe their result
    // once in each form without branching on every line.
    void line(const QString &text = {});
    // Text result written as is (it carries its own line breaks).
    void text(const QString &text);
    // The one JSON document of a --json run.
    void json(const QJsonValue &document);
    // Diagnostics on stderr: always printed, also with --json.
    void error(const QString &message);
    void warning(const QString &message);
    void note(const QString &message);
    // Raw bytes on stdout (exports to "-").
    void raw(const QByteArray &bytes);
    void flush();

private:
    void write(FILE *stream, const QByteArray &bytes);
    bool m_json;
    FILE *m_out;
    FILE *m_err;
};

} // namespace fleet
