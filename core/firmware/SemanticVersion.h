#pragma once

#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <compare>

namespace fleet {

// A version as Semantic Versioning 2.0.0 defines it (https://semver.org): MAJOR.MINOR.PATCH with
// an optional pre-release ("-rc.1") and build metadata ("+build.5"). Ordering is SemVer
// precedence: build metadata is ignored, a pre-release sorts before its release, pre-release
// identifiers compare numerically when both are numbers and in ASCII order otherwise.
//
// MCUboot images carry major.minor.revision and a 32-bit build number; imgtool writes that as
// "1.2.3+4" and mcumgr shows it as "1.2.3.4". Both parse here, to the same value: the build
// number becomes build metadata, so (as with MCUboot's default downgrade check) it does not
// take part in ordering.
class SemanticVersion
{
public:
    SemanticVersion() = default;

    // Strict SemVer 2.0.0, plus the four-number MCUboot form. Leading and trailing white space
    // is ignored; anything else that is not a version is refused with a message naming the
    // offending part.
    static Result<SemanticVersion> parse(const QString &text);
    static SemanticVersion fromMcuboot(quint8 major, quint8 minor, quint16 revision, quint32 build);

    bool isNull() const { return m_null; }
    quint64 major() const { return m_major; }
    quint64 minor() const { return m_minor; }
    quint64 patch() const { return m_patch; }
    const QStringList &preRelease() const { return m_preRelease; }
    const QStringList &build() const { return m_build; }
    bool isPreRelease() const { return !m_preRelease.isEmpty(); }

    // The canonical text: "1.2.3-rc.1+build.5".
    QString toString() const;
    // A string whose byte order (SQLite's BINARY collation, memcmp) is precedence order, so the
    // catalog can sort releases with ORDER BY. Versions of equal precedence get equal keys.
    QString sortKey() const;

    // -1, 0 or 1 by precedence (build metadata ignored).
    static int compare(const SemanticVersion &a, const SemanticVersion &b);
    friend bool operator==(const SemanticVersion &a, const SemanticVersion &b)
    {
        return compare(a, b) == 0;
    }
    friend std::strong_ordering operator<=>(const SemanticVersion &a, const SemanticVersion &b)
    {
        const int c = compare(a, b);
        return c < 0 ? std::strong_ordering::less
                     : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
    }

private:
    bool m_null = true;
    quint64 m_major = 0;
    quint64 m_minor = 0;
    quint64 m_patch = 0;
    QStringList m_preRelease;
    QStringList m_build;
};

} // namespace fleet
