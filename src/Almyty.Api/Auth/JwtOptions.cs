using System.Text;
using Microsoft.Extensions.Options;

namespace Almyty.Api.Auth;

/// <summary><c>Auth__Jwt__*</c>: an HS256 shared secret, or an OIDC authority whose keys are discovered.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Auth:Jwt";
    public const int MinimumSigningKeyBytes = 32;

    /// <summary>The shared secret as plain text; its UTF-8 bytes are the HMAC key.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "almyty";

    public string Audience { get; set; } = "almyty-api";

    /// <summary>An OIDC authority (issuer URL) to validate tokens against instead of the shared secret.</summary>
    public string? Authority { get; set; }

    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);
}

internal sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Auth__Jwt__Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Auth__Jwt__Audience must not be empty.");
        }

        if (options.UsesAuthority)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
            {
                failures.Add("Auth__Jwt__Authority must be an absolute URL.");
            }
        }
        else if (string.IsNullOrEmpty(options.SigningKey))
        {
            failures.Add($"Auth__Jwt__SigningKey is not set: give a shared secret of at least {JwtOptions.MinimumSigningKeyBytes} bytes (or set Auth__Jwt__Authority to use an OIDC provider).");
        }
        else if (Encoding.UTF8.GetByteCount(options.SigningKey) < JwtOptions.MinimumSigningKeyBytes)
        {
            failures.Add($"Auth__Jwt__SigningKey is too short: HS256 needs at least {JwtOptions.MinimumSigningKeyBytes} bytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
