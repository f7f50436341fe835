#include "RetryBudget.h"

#include <QStringList>

namespace fleet {

namespace {

constexpr int kMaxRetries = 10; // AWS IoT Jobs' cap, per kind and in all

int indexOf(FailureKind kind)
{
    return static_cast<int>(kind);
}

QString retries(int n)
{
    return n == 1 ? QStringLiteral("1 retry") : QStringLiteral("%1 retries").arg(n);
}

// "a download", "an install": for sentences.
QString aKind(FailureKind kind)
{
    const QString name = RetryBudget::kindName(kind);
    return (name.startsWith(QLatin1Char('i')) ? QStringLiteral("an ") : QStringLiteral("a ")) +
           name;
}

} // namespace

int RetryLimits::limitFor(FailureKind kind) const
{
    switch (kind) {
    case FailureKind::Download:
        return download;
    case FailureKind::Install:
        return install;
    case FailureKind::Validation:
        return validation;
    case FailureKind::Timeout:
        return timeout;
    case FailureKind::Rejected:
        return 0;
    }
    return 0;
}

Status RetryLimits::validate() const
{
    const struct
    {
        const char *what;
        int value;
    } checks[] = {{"download", download},
                  {"install", install},
                  {"validation", validation},
                  {"timeout", timeout},
                  {"total", total}};
    for (const auto &c : checks) {
        if (c.value < 0 || c.value > kMaxRetries)
            return Error::invalid(QStringLiteral("The %1 retry limit must be 0..%2, not %3")
                                      .arg(QLatin1String(c.what))
                                      .arg(kMaxRetries)
                                      .arg(c.value));
    }
    return Status::success();
}

RetryBudget::RetryBudget(RetryLimits limits)
    : m_limits(limits)
{}

Result<RetryBudget> RetryBudget::restore(const RetryLimits &limits, const std::array<int, 4> &used)
{
    for (int n : used) {
        if (n < 0)
            return Error::invalid(
                QStringLiteral("A stored retry count cannot be negative (%1)").arg(n));
    }
    RetryBudget budget(limits);
    budget.m_used = used;
    return budget;
}

Status RetryBudget::allowsRetry(FailureKind kind) const
{
    if (kind == FailureKind::Rejected)
        return Error::invalid(QStringLiteral(
            "The device rejected the update, which means it does not fit this device (wrong "
            "model, no space, refused by its own checks); a rejected update is never retried. "
            "Fix the cause and add the device to a new rollout"));
    const int limit = m_limits.limitFor(kind);
    const int spent = used(kind);
    if (limit == 0)
        return Error::invalid(QStringLiteral("This rollout allows no retry after %1 failure; "
                                             "roll the device back or skip it")
                                  .arg(aKind(kind)));
    if (spent >= limit)
        return Error::invalid(QStringLiteral("The device has used the %1 allowed after %2 "
                                             "failure; roll it back or skip it")
                                  .arg(retries(limit), aKind(kind)));
    if (usedTotal() >= m_limits.total)
        return Error::invalid(QStringLiteral("The device has used the %1 this rollout allows in "
                                             "all (%2 so far); roll it back or skip it")
                                  .arg(retries(m_limits.total))
                                  .arg(usedTotal()));
    return Status::success();
}

Status RetryBudget::spend(FailureKind kind)
{
    Status allowed = allowsRetry(kind);
    if (!allowed)
        return allowed;
    ++m_used[indexOf(kind)];
    return Status::success();
}

int RetryBudget::used(FailureKind kind) const
{
    return kind == FailureKind::Rejected ? 0 : m_used[indexOf(kind)];
}

int RetryBudget::usedTotal() const
{
    int sum = 0;
    for (int n : m_used)
        sum += n;
    return sum;
}

int RetryBudget::remaining(FailureKind kind) const
{
    const int left = qMin(m_limits.limitFor(kind) - used(kind), m_limits.total - usedTotal());
    return qMax(0, left);
}

QString RetryBudget::kindName(FailureKind kind)
{
    switch (kind) {
    case FailureKind::Download:
        return QStringLiteral("download");
    case FailureKind::Install:
        return QStringLiteral("install");
    case FailureKind::Validation:
        return QStringLiteral("validation");
    case FailureKind::Timeout:
        return QStringLiteral("timeout");
    case FailureKind::Rejected:
        return QStringLiteral("rejected");
    }
    return {};
}

Result<FailureKind> RetryBudget::parseKind(const QString &name)
{
    const FailureKind kinds[] = {FailureKind::Download, FailureKind::Install,
                                 FailureKind::Validation, FailureKind::Timeout,
                                 FailureKind::Rejected};
    QStringList known;
    for (FailureKind k : kinds) {
        if (name.trimmed().compare(kindName(k), Qt::CaseInsensitive) == 0)
            return k;
        known << kindName(k);
    }
    return Error::invalid(QStringLiteral("'%1' is not a kind of failure; expected one of: %2")
                              .arg(name, known.join(QLatin1String(", "))));
}

} // namespace fleet
