namespace Almyty.Domain.Common;

public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    PreconditionFailed,
    Forbidden,
    Unauthorized,
    Upstream,
    RateLimited,
    Timeout,
    Unavailable,
}
