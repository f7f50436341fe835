#pragma once

#include "util/Result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace fleet {

// Reads the typed fields of one JSON object of the device protocol and remembers the first
// problem, so a parser reads every field in a row and checks once. Messages name the field with
// its path ("artifact.sha256"), which is what a person debugging a device needs. Fields that
// were never asked for are handed back by unknownFields(): a newer device may send more than
// this Fleetdesk knows, and that must be kept, not lost.
class JsonFieldReader
{
public:
    enum class Need { Required, Optional };

    // JSON numbers are doubles; integers beyond 2^53 - 1 are no longer exact.
    static constexpr qint64 maxSafeInteger = (qint64(1) << 53) - 1;

    // "a string", "an array", ...: what a value is, for messages like "expected X, found Y".
    static QString typeName(const QJsonValue &value);

    // Decodes a payload that must be a JSON object in valid UTF-8, at most maxBytes long and
    // nested at most maxDepth deep. The limits are checked on the raw bytes before the JSON
    // parser sees them, so a hostile payload costs one linear scan.
    static Result<QJsonObject> decodeObject(const QByteArray &payload, qsizetype maxBytes,
                                            int maxDepth);
    // The time timestamp() reads from `text` (in the zone it names); invalid when `text` is not
    // an RFC 3339 date and time with a zone and at most milliseconds.
    static QDateTime parseTimestamp(const QString &text);

    explicit JsonFieldReader(QJsonObject object, QString path = {});

    bool has(const QString &key) const { return m_object.contains(key); }
    bool ok() const { return !m_error.has_value(); }
    const Error &error() const { return *m_error; }
    // Records a problem found by the caller (a rule between fields), unless one is recorded.
    void fail(const QString &message);
    // The field's name with the path, quoted, for messages: "\"artifact.sha256\"".
    QString fieldName(const QString &key) const;

    // Each reader leaves *out untouched when an optional field is absent.
    void string(const QString &key, Need need, QString *out, qsizetype maxLength = 256);
    void choice(const QString &key, Need need, const QStringList &allowed, QString *out);
    void integer(const QString &key, Need need, qint64 min, qint64 max, qint64 *out);
    void timestamp(const QString &key, Need need, QDateTime *out);
    void object(const QString &key, Need need, QJsonObject *out);
    void array(const QString &key, Need need, qsizetype maxItems, QJsonArray *out);

    // The path for a JsonFieldReader over a sub-object or an array element: "components[3]".
    QString childPath(const QString &key, qsizetype index = -1) const;

    QJsonObject unknownFields() const;

private:
    const QJsonValue *present(const QString &key, Need need);
    void wrongType(const QString &key, const QString &expected);

    QJsonObject m_object;
    QString m_path;
    // The keys asked for. A payload has a dozen fields: a linear scan beats hashing each key.
    QStringList m_known;
    qsizetype m_knownPresent = 0; // keys of m_known that the object has
    std::optional<Error> m_error;
    QJsonValue m_current;
};

} // namespace fleet
