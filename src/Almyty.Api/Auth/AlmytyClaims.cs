using System.Security.Claims;

namespace Almyty.Api.Auth;

/// <summary>The claims a token carries, by their names on the wire.</summary>
public static class AlmytyClaims
{
    public const string Subject = "sub";
    public const string OrganizationId = "org_id";
    public const string Role = "role";

    /// <summary>
    /// The claim's value when the token carries it once, as a string; otherwise null. A JSON array gives one claim per
    /// element and the first would win, so a token naming two organizations or two roles names none.
    /// </summary>
    public static string? OnlyValue(ClaimsPrincipal? principal, string type)
    {
        Claim? found = null;
        foreach (var claim in principal?.FindAll(type) ?? [])
        {
            if (found is not null)
            {
                return null;
            }

            found = claim;
        }

        return found?.ValueType == ClaimValueTypes.String ? found.Value : null;
    }
}
