#pragma once

#include <QString>
#include <optional>
#include <utility>

namespace fleet {

// An error a person can act on: a message that is shown unchanged in the GUI and the CLI,
// plus a kind that the CLI maps to its exit code.
struct Error
{
    enum class Kind {
        Failed,       // an operation did not succeed (I/O, SQL, ...)
        Invalid,      // the input was rejected (bad CSV, unknown state, missing reason)
        NotFound,     // a named device, group or file does not exist
        Incompatible, // a workspace from a newer Fleetdesk or otherwise unusable
        Damaged,      // a workspace that fails its integrity check
        Tampered,     // the audit chain does not verify
    };
    Kind kind = Kind::Failed;
    QString message;

    static Error failed(QString m) { return {Kind::Failed, std::move(m)}; }
    static Error invalid(QString m) { return {Kind::Invalid, std::move(m)}; }
    static Error notFound(QString m) { return {Kind::NotFound, std::move(m)}; }
};

// Result of an operation without a value: success, or an Error.
class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(Error e)
        : m_error(std::move(e))
    {}
    static Status success() { return {}; }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }
    QString message() const { return m_error ? m_error->message : QString(); }

private:
    std::optional<Error> m_error;
};

// Result of an operation that yields a T: the value, or an Error.
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Error e)
        : m_error(std::move(e))
    {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T &operator*() const { return *m_value; }
    T &operator*() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const Error &error() const { return *m_error; }
    QString message() const { return m_error ? m_error->message : QString(); }
    Status status() const { return ok() ? Status() : Status(*m_error); }

private:
    std::optional<T> m_value;
    std::optional<Error> m_error;
};

} // namespace fleet
