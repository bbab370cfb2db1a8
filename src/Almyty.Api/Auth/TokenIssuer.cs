using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Auth;

/// <summary>Mints HS256 tokens with the configured key: the `token` command and the tests use it.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider timeProvider)
{
    public string Issue(string organizationId, string role, string? subject, TimeSpan lifetime)
    {
        var jwt = options.Value;
        if (string.IsNullOrEmpty(jwt.SigningKey))
        {
            // JwtOptionsValidator lets a missing key through only when an authority is set, so that is the case to
            // explain. A settings failure, not a bug: Program.cs lists it without a stack trace and exits 1.
            throw new OptionsValidationException(
                Options.DefaultName,
                typeof(JwtOptions),
                ["Auth__Jwt__SigningKey is not set, and the token command signs with it: Auth__Jwt__Authority is configured, so tokens come from that OIDC authority."]);
        }

        if (Encoding.UTF8.GetByteCount(jwt.SigningKey) < JwtOptions.MinimumSigningKeyBytes)
        {
            // Also only with an authority set, whose validation does not look at a key it does not use.
            throw new OptionsValidationException(
                Options.DefaultName,
                typeof(JwtOptions),
                [$"Auth__Jwt__SigningKey is too short for the token command: HS256 needs at least {JwtOptions.MinimumSigningKeyBytes} bytes."]);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(lifetime),
            Subject = new ClaimsIdentity(
            [
                new Claim(AlmytyClaims.Subject, subject ?? $"cli:{organizationId}"),
                new Claim(AlmytyClaims.OrganizationId, organizationId),
                new Claim(AlmytyClaims.Role, role),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(SigningKeyOf(jwt.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    internal static SymmetricSecurityKey SigningKeyOf(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));
}
