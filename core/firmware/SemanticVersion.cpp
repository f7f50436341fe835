#include "SemanticVersion.h"

namespace fleet {

namespace {

bool isIdentifierChar(QChar c)
{
    return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
           (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
           (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || c == QLatin1Char('-');
}

bool isDigits(const QString &s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    return true;
}

Error notAVersion(const QString &text, const QString &why)
{
    return Error::invalid(
        QStringLiteral("'%1' is not a semantic version (MAJOR.MINOR.PATCH[-PRE][+BUILD]): %2")
            .arg(text, why));
}

// Numbers of any length sort correctly as text when prefixed with their length.
QString numericKey(const QString &digits)
{
    return QStringLiteral("%1").arg(digits.size(), 2, 10, QLatin1Char('0')) + digits;
}

} // namespace

Result<SemanticVersion> SemanticVersion::parse(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty())
        return Error::invalid(QStringLiteral("A version cannot be empty"));
    if (text.startsWith(QLatin1Char('v')) || text.startsWith(QLatin1Char('V')))
        return notAVersion(text, QStringLiteral("drop the leading '%1'").arg(text.at(0)));

    QString rest = text;
    SemanticVersion v;
    if (const qsizetype plus = rest.indexOf(QLatin1Char('+')); plus >= 0) {
        const QString build = rest.mid(plus + 1);
        rest.truncate(plus);
        v.m_build = build.split(QLatin1Char('.'));
        for (const QString &id : std::as_const(v.m_build)) {
            if (id.isEmpty())
                return notAVersion(text, QStringLiteral("empty build identifier"));
            for (QChar c : id)
                if (!isIdentifierChar(c))
                    return notAVersion(
                        text, QStringLiteral("invalid character '%1' in build metadata").arg(c));
        }
    }
    if (const qsizetype dash = rest.indexOf(QLatin1Char('-')); dash >= 0) {
        const QString pre = rest.mid(dash + 1);
        rest.truncate(dash);
        v.m_preRelease = pre.split(QLatin1Char('.'));
        for (const QString &id : std::as_const(v.m_preRelease)) {
            if (id.isEmpty())
                return notAVersion(text, QStringLiteral("empty pre-release identifier"));
            for (QChar c : id)
                if (!isIdentifierChar(c))
                    return notAVersion(
                        text, QStringLiteral("invalid character '%1' in pre-release").arg(c));
            if (isDigits(id) && id.size() > 1 && id.startsWith(QLatin1Char('0')))
                return notAVersion(
                    text, QStringLiteral("numeric pre-release identifier '%1' has a leading zero")
                              .arg(id));
        }
    }

    const QStringList parts = rest.split(QLatin1Char('.'));
    const bool mcubootForm = parts.size() == 4 && v.m_preRelease.isEmpty() && v.m_build.isEmpty();
    if (parts.size() != 3 && !mcubootForm)
        return notAVersion(text, QStringLiteral("expected three numbers separated by dots, found "
                                                "%1 part(s) in '%2'")
                                     .arg(parts.size())
                                     .arg(rest));
    static const char *const names[] = {"major", "minor", "patch", "build"};
    quint64 numbers[4] = {0, 0, 0, 0};
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &p = parts.at(i);
        if (!isDigits(p))
            return notAVersion(text, QStringLiteral("the %1 number '%2' is not a number")
                                         .arg(QLatin1String(names[i]), p));
        if (p.size() > 1 && p.startsWith(QLatin1Char('0')))
            return notAVersion(text, QStringLiteral("the %1 number '%2' has a leading zero")
                                         .arg(QLatin1String(names[i]), p));
        bool ok = false;
        numbers[i] = p.toULongLong(&ok);
        if (!ok)
            return notAVersion(
                text,
                QStringLiteral("the %1 number '%2' is too large").arg(QLatin1String(names[i]), p));
    }
    v.m_major = numbers[0];
    v.m_minor = numbers[1];
    v.m_patch = numbers[2];
    if (mcubootForm)
        v.m_build = {parts.at(3)};
    v.m_null = false;
    return v;
}

SemanticVersion SemanticVersion::fromMcuboot(quint8 major, quint8 minor, quint16 revision,
                                             quint32 build)
{
    SemanticVersion v;
    v.m_major = major;
    v.m_minor = minor;
    v.m_patch = revision;
    if (build != 0)
        v.m_build = {QString::number(build)};
    v.m_null = false;
    return v;
}

QString SemanticVersion::toString() const
{
    if (m_null)
        return {};
    QString s = QStringLiteral("%1.%2.%3").arg(m_major).arg(m_minor).arg(m_patch);
    if (!m_preRelease.isEmpty())
        s += QLatin1Char('-') + m_preRelease.join(QLatin1Char('.'));
    if (!m_build.isEmpty())
        s += QLatin1Char('+') + m_build.join(QLatin1Char('.'));
    return s;
}

QString SemanticVersion::sortKey() const
{
    if (m_null)
        return {};
    // '!' separates identifiers because it sorts below every identifier character, so a
    // shorter list of identifiers sorts first ("alpha" < "alpha.1" and "alpha" < "alpha-x").
    // A release ('~') sorts after every pre-release ('-') of the same numbers. Numeric
    // identifiers ('0') sort below alphanumeric ones ('1'), as SemVer says.
    QString key = numericKey(QString::number(m_major)) + QLatin1Char('.') +
                  numericKey(QString::number(m_minor)) + QLatin1Char('.') +
                  numericKey(QString::number(m_patch));
    if (m_preRelease.isEmpty())
        return key + QLatin1Char('~');
    key += QLatin1Char('-');
    for (qsizetype i = 0; i < m_preRelease.size(); ++i) {
        if (i > 0)
            key += QLatin1Char('!');
        const QString &id = m_preRelease.at(i);
        key += isDigits(id) ? QLatin1Char('0') + numericKey(id) : QLatin1Char('1') + id;
    }
    return key;
}

int SemanticVersion::compare(const SemanticVersion &a, const SemanticVersion &b)
{
    if (a.m_null || b.m_null)
        return a.m_null == b.m_null ? 0 : (a.m_null ? -1 : 1);
    auto cmp = [](auto x, auto y) {
        return x < y ? -1 : (x > y ? 1 : 0);
    };
    if (int c = cmp(a.m_major, b.m_major))
        return c;
    if (int c = cmp(a.m_minor, b.m_minor))
        return c;
    if (int c = cmp(a.m_patch, b.m_patch))
        return c;
    if (a.m_preRelease.isEmpty() || b.m_preRelease.isEmpty())
        return cmp(a.m_preRelease.isEmpty(), b.m_preRelease.isEmpty());
    const qsizetype n = qMin(a.m_preRelease.size(), b.m_preRelease.size());
    for (qsizetype i = 0; i < n; ++i) {
        const QString &x = a.m_preRelease.at(i);
        const QString &y = b.m_preRelease.at(i);
        const bool xNum = isDigits(x);
        const bool yNum = isDigits(y);
        if (xNum && yNum) {
            // Compare by length first: identifiers may exceed 64 bits, and have no leading zeros.
            if (int c = cmp(x.size(), y.size()))
                return c;
        } else if (xNum != yNum) {
            return xNum ? -1 : 1;
        }
        if (int c = cmp(x.compare(y, Qt::CaseSensitive), 0))
            return c;
    }
    return cmp(a.m_preRelease.size(), b.m_preRelease.size());
}

} // namespace fleet
