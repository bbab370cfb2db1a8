using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Auth;

/// <summary>
/// Remembers tokens that passed validation, so a client sending the same bearer token on every call pays for
/// parsing and the HMAC once per token rather than once per request. Only used with the configured shared secret,
/// which cannot change while the process runs; an OIDC authority's keys can, so those tokens are always validated.
/// </summary>
/// <remarks>
/// A hit is the whole token string, signature included, so an altered token is never a hit. A remembered token
/// is forgotten at its <c>exp</c> (without the clock skew validation allows), and failures are never remembered.
/// </remarks>
internal sealed class CachingTokenHandler(TokenHandler inner, TimeProvider timeProvider) : TokenHandler
{
    public const int DefaultCapacity = 1024;

    private readonly ConcurrentDictionary<string, ValidatedToken> validated = new(StringComparer.Ordinal);

    public int Capacity { get; init; } = DefaultCapacity;

    public int Count => validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = timeProvider.GetUtcNow();
        if (validated.TryGetValue(token, out var known))
        {
            if (now < known.ExpiresAt)
            {
                return known.ToResult();
            }

            validated.TryRemove(new KeyValuePair<string, ValidatedToken>(token, known));
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result is { IsValid: true, ClaimsIdentity: { } identity, SecurityToken: { } securityToken }
            && securityToken.ValidTo != DateTime.MinValue
            && new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc)) is var expiresAt
            && now < expiresAt)
        {
            MakeRoom(now);
            validated[token] = new ValidatedToken(identity.Clone(), securityToken, result.Issuer, result.TokenType, expiresAt);
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    private void MakeRoom(DateTimeOffset now)
    {
        if (validated.Count < Capacity)
        {
            return;
        }

        foreach (var (token, known) in validated)
        {
            if (now >= known.ExpiresAt)
            {
                validated.TryRemove(new KeyValuePair<string, ValidatedToken>(token, known));
            }
        }

        // Full of live tokens: start over rather than track which were used least recently.
        if (validated.Count >= Capacity)
        {
            validated.Clear();
        }
    }

    private sealed record ValidatedToken(
        System.Security.Claims.ClaimsIdentity Identity,
        SecurityToken SecurityToken,
        string? Issuer,
        string? TokenType,
        DateTimeOffset ExpiresAt)
    {
        // Each request gets an identity of its own, so nothing one request does to it reaches another.
        public TokenValidationResult ToResult() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = SecurityToken,
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
