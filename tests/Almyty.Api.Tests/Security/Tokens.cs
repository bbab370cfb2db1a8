using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Almyty.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Tests.Security;

/// <summary>
/// Mints tokens by hand, independently of the API's own TokenIssuer, so that each negative case differs from a
/// token the API accepts in exactly one respect.
/// </summary>
internal static class Tokens
{
    public const string Issuer = "almyty";
    public const string Audience = "almyty-api";

    /// <summary>A second key of the right size that the API does not know.</summary>
    public const string ForeignSigningKey = "another-signing-key-that-is-also-32-bytes-or-more";

    public static string Mint(
        string? organizationId = "org-tokens",
        string? role = "owner",
        string subject = "user-tokens",
        string signingKey = ApiFactory.SigningKey,
        string? issuer = Issuer,
        string? audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        bool withExpiry = true,
        string organizationClaim = "org_id") =>
        MintWithClaimValues(organizationId, role, subject, signingKey, issuer, audience, notBefore, expires, withExpiry, organizationClaim);

    /// <summary>As <see cref="Mint"/>, with an <c>org_id</c> and a <c>role</c> of any JSON value (an array, a boolean, ...).</summary>
    public static string MintWithClaimValues(
        object? organizationId,
        object? role,
        string subject = "user-tokens",
        string signingKey = ApiFactory.SigningKey,
        string? issuer = Issuer,
        string? audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        bool withExpiry = true,
        string organizationClaim = "org_id")
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (organizationId is not null)
        {
            claims[organizationClaim] = organizationId;
        }

        if (role is not null)
        {
            claims["role"] = role;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = withExpiry ? expires ?? now.AddMinutes(10) : null,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsecured JWT (<c>alg: none</c>, empty signature) with otherwise valid claims.</summary>
    public static string Unsigned(string organizationId = "org-tokens", string role = "owner") =>
        Compact("none", organizationId, role, _ => []);

    /// <summary>
    /// A token signed with the right key under another HMAC algorithm, put together by hand: the library refuses
    /// HS512 with a key shorter than 64 bytes, but an attacker's tooling would not.
    /// </summary>
    public static string SignedWithHs512(string organizationId = "org-tokens", string role = "owner") =>
        Compact("HS512", organizationId, role, input => HMACSHA512.HashData(Encoding.UTF8.GetBytes(ApiFactory.SigningKey), input));

    /// <summary>The same hand assembly as <see cref="SignedWithHs512"/>, under HS256: the control that proves the assembly is right.</summary>
    public static string HandAssembledHs256(string organizationId = "org-tokens", string role = "owner") =>
        Compact("HS256", organizationId, role, input => HMACSHA256.HashData(Encoding.UTF8.GetBytes(ApiFactory.SigningKey), input));

    private static string Compact(string algorithm, string organizationId, string role, Func<byte[], byte[]> sign)
    {
        var now = DateTimeOffset.UtcNow;
        var header = new Dictionary<string, object> { ["alg"] = algorithm, ["typ"] = "JWT" };
        var payload = new Dictionary<string, object>
        {
            ["sub"] = "user-tokens",
            ["org_id"] = organizationId,
            ["role"] = role,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["iat"] = now.AddSeconds(-1).ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        var signingInput = $"{Base64UrlEncoder.Encode(JsonSerializer.Serialize(header))}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}";
        return $"{signingInput}.{Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }
}
