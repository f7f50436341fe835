#include "LibconfigReader.h"

namespace fleet {

namespace {

class Parser
{
public:
    explicit Parser(const QByteArray &input)
        : m_in(input)
    {}

    Result<LibconfigValue> document()
    {
        LibconfigValue root;
        root.type = LibconfigValue::Type::Group;
        if (Status s = settings(root, '\0', 0); !s)
            return s.error();
        return root;
    }

private:
    const QByteArray &m_in;
    qsizetype m_pos = 0;
    int m_line = 1;

    Error fail(const QString &what) const
    {
        return Error::invalid(QStringLiteral("line %1: %2").arg(m_line).arg(what));
    }
    bool atEnd() const { return m_pos >= m_in.size(); }
    char peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_in.size() ? m_in.at(m_pos + ahead) : '\0';
    }
    char take()
    {
        const char c = m_in.at(m_pos++);
        if (c == '\n')
            ++m_line;
        return c;
    }
    QString describeNext() const
    {
        if (atEnd())
            return QStringLiteral("the end of the text");
        const char c = peek();
        if (quint8(c) < 0x20 || quint8(c) >= 0x7f)
            return QStringLiteral("byte 0x%1").arg(quint8(c), 2, 16, QLatin1Char('0'));
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    }

    Status skipSpace()
    {
        while (!atEnd()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
                take();
            } else if (c == '#' || (c == '/' && peek(1) == '/')) {
                while (!atEnd() && peek() != '\n')
                    take();
            } else if (c == '/' && peek(1) == '*') {
                const int startLine = m_line;
                take();
                take();
                while (!(peek() == '*' && peek(1) == '/')) {
                    if (atEnd())
                        return Error::invalid(
                            QStringLiteral("line %1: a /* comment is never closed").arg(startLine));
                    take();
                }
                take();
                take();
            } else {
                break;
            }
        }
        return {};
    }

    static bool isNameStart(char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
    }
    static bool isNameChar(char c)
    {
        return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    // Settings until `close` ('}' for a group, '\0' for the document).
    Status settings(LibconfigValue &group, char close, int depth)
    {
        for (;;) {
            if (Status s = skipSpace(); !s)
                return s;
            if (close == '\0' && atEnd())
                return {};
            if (close != '\0' && peek() == close) {
                take();
                return {};
            }
            if (atEnd())
                return fail(QStringLiteral("a group is not closed with '}'"));
            if (peek() == '@')
                return fail(QStringLiteral("@include and other directives are not allowed"));
            if (!isNameStart(peek()))
                return fail(
                    QStringLiteral("expected a setting name, found %1").arg(describeNext()));
            const qsizetype start = m_pos;
            while (!atEnd() && isNameChar(peek()))
                take();
            const QString name = QString::fromLatin1(m_in.mid(start, m_pos - start));
            if (group.member(name))
                return fail(
                    QStringLiteral("the setting '%1' appears twice in the same group").arg(name));
            if (Status s = skipSpace(); !s)
                return s;
            if (peek() != '=' && peek() != ':')
                return fail(QStringLiteral("expected '=' or ':' after '%1', found %2")
                                .arg(name, describeNext()));
            take();
            auto v = value(depth);
            if (!v)
                return v.status();
            v->name = name;
            group.children.push_back(std::move(v.value()));
            if (Status s = skipSpace(); !s)
                return s;
            if (peek() == ';' || peek() == ',')
                take();
        }
    }

    Result<LibconfigValue> value(int depth)
    {
        if (depth >= MaxDepthGuard)
            return fail(QStringLiteral("nesting deeper than %1 levels").arg(MaxDepthGuard));
        if (Status s = skipSpace(); !s)
            return s.error();
        LibconfigValue v;
        const char c = peek();
        if (c == '{') {
            take();
            v.type = LibconfigValue::Type::Group;
            if (Status s = settings(v, '}', depth + 1); !s)
                return s.error();
            return v;
        }
        if (c == '(' || c == '[') {
            take();
            const char close = c == '(' ? ')' : ']';
            v.type = c == '(' ? LibconfigValue::Type::List : LibconfigValue::Type::Array;
            for (;;) {
                if (Status s = skipSpace(); !s)
                    return s.error();
                if (peek() == close) {
                    take();
                    return v;
                }
                auto element = value(depth + 1);
                if (!element)
                    return element;
                if (v.type == LibconfigValue::Type::Array && !element->isScalar())
                    return fail(QStringLiteral("an array [ ] may only hold scalar values; use a "
                                               "list ( ) for groups"));
                if (v.type == LibconfigValue::Type::Array && !v.children.empty() &&
                    v.children.front().type != element->type)
                    return fail(QStringLiteral("the values of an array must all be of one type"));
                v.children.push_back(std::move(element.value()));
                if (Status s = skipSpace(); !s)
                    return s.error();
                if (peek() == ',') {
                    take();
                } else if (peek() != close) {
                    return fail(
                        QStringLiteral("expected ',' or '%1' in a %2, found %3")
                            .arg(QLatin1Char(close))
                            .arg(close == ')' ? QStringLiteral("list") : QStringLiteral("array"))
                            .arg(describeNext()));
                }
            }
        }
        if (c == '"')
            return stringValue();
        return scalarWord();
    }

    Result<LibconfigValue> stringValue()
    {
        LibconfigValue v;
        v.type = LibconfigValue::Type::String;
        QByteArray bytes;
        // Adjacent string literals form one string, as in C.
        while (peek() == '"') {
            const int startLine = m_line;
            take();
            for (;;) {
                if (atEnd())
                    return Error::invalid(
                        QStringLiteral("line %1: a string is never closed").arg(startLine));
                const char ch = take();
                if (ch == '"')
                    break;
                if (ch != '\\') {
                    bytes += ch;
                    continue;
                }
                if (atEnd())
                    return fail(QStringLiteral("a string ends in a backslash"));
                const char e = take();
                switch (e) {
                case '\\':
                case '"':
                    bytes += e;
                    break;
                case 'n':
                    bytes += '\n';
                    break;
                case 'r':
                    bytes += '\r';
                    break;
                case 't':
                    bytes += '\t';
                    break;
                case 'f':
                    bytes += '\f';
                    break;
                case 'x': {
                    const QByteArray hex = m_in.mid(m_pos, 2);
                    bool ok = false;
                    const int code = hex.size() == 2 ? hex.toInt(&ok, 16) : 0;
                    if (!ok)
                        return fail(QStringLiteral("'\\x' must be followed by two hex digits"));
                    take();
                    take();
                    bytes += char(code);
                    break;
                }
                default:
                    return fail(
                        QStringLiteral("unknown escape '\\%1' in a string").arg(QLatin1Char(e)));
                }
            }
            if (Status s = skipSpace(); !s)
                return s.error();
        }
        v.string = QString::fromUtf8(bytes);
        return v;
    }

    Result<LibconfigValue> scalarWord()
    {
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const char c = peek();
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '-' || c == '.')
                take();
            else
                break;
        }
        const QByteArray word = m_in.mid(start, m_pos - start);
        if (word.isEmpty())
            return fail(QStringLiteral("expected a value, found %1").arg(describeNext()));
        LibconfigValue v;
        const QByteArray lower = word.toLower();
        if (lower == "true" || lower == "false") {
            v.type = LibconfigValue::Type::Boolean;
            v.boolean = lower == "true";
            return v;
        }
        QByteArray digits = word;
        if (digits.endsWith("LL"))
            digits.chop(2);
        else if (digits.endsWith('L'))
            digits.chop(1);
        bool ok = false;
        const bool negative = digits.startsWith('-');
        const QByteArray unsignedPart =
            (negative || digits.startsWith('+')) ? digits.mid(1) : digits;
        if (unsignedPart.startsWith("0x") || unsignedPart.startsWith("0X")) {
            const qint64 n = unsignedPart.mid(2).toLongLong(&ok, 16);
            if (ok) {
                v.type = LibconfigValue::Type::Integer;
                v.integer = negative ? -n : n;
                return v;
            }
        } else if (!unsignedPart.isEmpty() && unsignedPart.count('.') == 0 &&
                   !unsignedPart.contains('e') && !unsignedPart.contains('E')) {
            v.integer = digits.toLongLong(&ok, 10);
            if (ok) {
                v.type = LibconfigValue::Type::Integer;
                return v;
            }
        } else {
            v.real = word.toDouble(&ok);
            if (ok) {
                v.type = LibconfigValue::Type::Float;
                return v;
            }
        }
        return fail(QStringLiteral("'%1' is not a value (strings need double quotes)")
                        .arg(QString::fromLatin1(word.left(64))));
    }

    static constexpr int MaxDepthGuard = LibconfigReader::MaxDepth;
};

} // namespace

const LibconfigValue *LibconfigValue::member(const QString &key) const
{
    if (type != Type::Group)
        return nullptr;
    for (const LibconfigValue &c : children)
        if (c.name == key)
            return &c;
    return nullptr;
}

QString LibconfigValue::scalarText() const
{
    switch (type) {
    case Type::String:
        return string;
    case Type::Integer:
        return QString::number(integer);
    case Type::Float:
        return QString::number(real);
    case Type::Boolean:
        return boolean ? QStringLiteral("true") : QStringLiteral("false");
    default:
        return {};
    }
}

QStringList LibconfigValue::scalarTexts() const
{
    if (isScalar())
        return {scalarText()};
    QStringList out;
    if (type == Type::Group)
        return out;
    for (const LibconfigValue &c : children)
        if (c.isScalar())
            out << c.scalarText();
    return out;
}

Result<LibconfigValue> LibconfigReader::parse(const QByteArray &utf8)
{
    if (utf8.size() > MaxInput)
        return Error::invalid(QStringLiteral("The text is %1 bytes, more than the %2 accepted")
                                  .arg(utf8.size())
                                  .arg(MaxInput));
    Parser p(utf8);
    return p.document();
}

} // namespace fleet
