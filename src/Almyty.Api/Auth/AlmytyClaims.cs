namespace Almyty.Api.Auth;

/// <summary>The claims a token carries, by their names on the wire.</summary>
public static class AlmytyClaims
{
    public const string Subject = "sub";
    public const string OrganizationId = "org_id";
    public const string Role = "role";
}
