using Almyty.Application.Common.Security;

namespace Almyty.Application.Common.Abstractions;

/// <summary>Who is calling: the token's subject, organization and role. Null organization means nobody is signed in.</summary>
public interface ICurrentPrincipal
{
    string? UserId { get; }

    string? OrganizationId { get; }

    Role? Role { get; }
}
