using Almyty.Domain.Common;

namespace Almyty.Application.Common.Security;

public static class SecurityErrors
{
    public static Error Unauthenticated() => new(ErrorCodes.Unauthorized, "A valid bearer token is required.", ErrorKind.Unauthorized);

    public static Error Forbidden(Permission permission) =>
        new(ErrorCodes.Forbidden, $"Your role does not allow this operation (it needs the '{permission.ToString().ToLowerInvariant()}' permission).", ErrorKind.Forbidden);
}
