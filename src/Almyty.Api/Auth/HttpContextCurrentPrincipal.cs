using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Security;

namespace Almyty.Api.Auth;

internal sealed class HttpContextCurrentPrincipal(IHttpContextAccessor accessor) : ICurrentPrincipal
{
    public string? UserId => Claim(AlmytyClaims.Subject);

    public string? OrganizationId => Claim(AlmytyClaims.OrganizationId);

    public Role? Role => Roles.TryParse(Claim(AlmytyClaims.Role), out var role) ? role : null;

    private string? Claim(string type)
    {
        var user = accessor.HttpContext?.User;
        return user?.Identity?.IsAuthenticated == true ? AlmytyClaims.OnlyValue(user, type) : null;
    }
}
