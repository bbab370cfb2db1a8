using System.Text;
using Almyty.Api.Auth;
using Almyty.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Tests.Security;

/// <summary>The remembered validations: a hit only for the very token that passed, and never past its expiry.</summary>
public sealed class CachingTokenHandlerTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly CountingTokenHandler inner = new();

    // The lifetime is judged by the fake clock too, so a token can expire without the test waiting for it.
    private TokenValidationParameters Parameters => new()
    {
        LifetimeValidator = (_, expires, _, _) => expires > clock.GetUtcNow().UtcDateTime,
        ValidIssuer = Tokens.Issuer,
        ValidAudience = Tokens.Audience,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ApiFactory.SigningKey)),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task A_token_that_passed_is_not_validated_again_and_each_hit_gets_its_own_identity()
    {
        var handler = new CachingTokenHandler(inner, clock);
        var token = Tokens.Mint(organizationId: "org-cache", role: "member");

        var first = await handler.ValidateTokenAsync(token, Parameters);
        var second = await handler.ValidateTokenAsync(token, Parameters);

        first.IsValid.ShouldBeTrue();
        second.IsValid.ShouldBeTrue();
        inner.Validations.ShouldBe(1);
        second.ClaimsIdentity.FindFirst("org_id")!.Value.ShouldBe("org-cache");
        second.ClaimsIdentity.FindFirst("role")!.Value.ShouldBe("member");
        second.SecurityToken.ShouldNotBeNull();
        second.ClaimsIdentity.ShouldNotBeSameAs(first.ClaimsIdentity);
        second.ClaimsIdentity.GetType().ShouldBe(first.ClaimsIdentity.GetType());
        second.ClaimsIdentity.FindFirst("ORG_ID").ShouldBeNull("claim types match case exactly, as on the first validation (the handler's identity clones as its own kind)");
        second.ClaimsIdentity.ShouldNotBeSameAs((await handler.ValidateTokenAsync(token, Parameters)).ClaimsIdentity);
    }

    [Fact]
    public async Task A_remembered_token_is_validated_again_once_it_expires_and_then_refused()
    {
        var handler = new CachingTokenHandler(inner, clock);
        var token = Tokens.Mint(expires: clock.GetUtcNow().UtcDateTime.AddSeconds(3));
        (await handler.ValidateTokenAsync(token, Parameters)).IsValid.ShouldBeTrue();

        clock.Advance(TimeSpan.FromSeconds(4));
        var later = await handler.ValidateTokenAsync(token, Parameters);

        inner.Validations.ShouldBe(2);
        later.IsValid.ShouldBeFalse();
        later.Exception.ShouldBeAssignableTo<SecurityTokenInvalidLifetimeException>();
        handler.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_refused_token_is_never_remembered()
    {
        var handler = new CachingTokenHandler(inner, clock);
        var foreign = Tokens.Mint(signingKey: Tokens.ForeignSigningKey);

        (await handler.ValidateTokenAsync(foreign, Parameters)).IsValid.ShouldBeFalse();
        (await handler.ValidateTokenAsync(foreign, Parameters)).IsValid.ShouldBeFalse();

        inner.Validations.ShouldBe(2);
        handler.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_remembered_token_with_another_signature_is_validated_and_refused()
    {
        var handler = new CachingTokenHandler(inner, clock);
        var token = Tokens.Mint();
        (await handler.ValidateTokenAsync(token, Parameters)).IsValid.ShouldBeTrue();
        var signatureStart = token.LastIndexOf('.') + 1;
        var altered = token[..signatureStart] + (token[signatureStart] == 'A' ? 'B' : 'A') + token[(signatureStart + 1)..];

        var result = await handler.ValidateTokenAsync(altered, Parameters);

        result.IsValid.ShouldBeFalse();
        inner.Validations.ShouldBe(2);
    }

    [Fact]
    public async Task The_cache_never_holds_more_tokens_than_its_capacity_and_keeps_validating()
    {
        var handler = new CachingTokenHandler(inner, clock) { Capacity = 3 };
        var tokens = Enumerable.Range(0, 10).Select(i => Tokens.Mint(subject: $"user-{i}")).ToList();

        foreach (var token in tokens)
        {
            (await handler.ValidateTokenAsync(token, Parameters)).IsValid.ShouldBeTrue();
            handler.Count.ShouldBeLessThanOrEqualTo(3);
        }

        (await handler.ValidateTokenAsync(tokens[^1], Parameters)).IsValid.ShouldBeTrue();
        inner.Validations.ShouldBe(10);
    }

    [Fact]
    public async Task Making_room_drops_expired_tokens_before_live_ones()
    {
        var handler = new CachingTokenHandler(inner, clock) { Capacity = 2 };
        var shortLived = Tokens.Mint(subject: "short", expires: clock.GetUtcNow().UtcDateTime.AddMinutes(1));
        var longLived = Tokens.Mint(subject: "long", expires: clock.GetUtcNow().UtcDateTime.AddMinutes(30));
        await handler.ValidateTokenAsync(shortLived, Parameters);
        await handler.ValidateTokenAsync(longLived, Parameters);

        clock.Advance(TimeSpan.FromMinutes(2));
        await handler.ValidateTokenAsync(Tokens.Mint(subject: "new", expires: clock.GetUtcNow().UtcDateTime.AddMinutes(30)), Parameters);
        await handler.ValidateTokenAsync(longLived, Parameters);

        handler.Count.ShouldBe(2);
        inner.Validations.ShouldBe(3);
    }

    private sealed class CountingTokenHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
        private int validations;

        public int Validations => validations;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref validations);
            return handler.ValidateTokenAsync(token, validationParameters);
        }
    }
}
