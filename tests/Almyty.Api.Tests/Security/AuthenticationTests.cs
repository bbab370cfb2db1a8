using System.Net;
using System.Net.Http.Headers;
using Almyty.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Tests.Security;

/// <summary>Missing, malformed, expired or wrongly signed tokens: 401 UNAUTHORIZED in the error envelope.</summary>
public sealed class AuthenticationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string ProvidersUrl = "/llm-providers";

    [Fact]
    public async Task A_request_without_an_Authorization_header_is_401()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(ProvidersUrl, TestContext.Current.CancellationToken);

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("GET", "/llm-providers")]
    [InlineData("POST", "/llm-providers")]
    [InlineData("GET", "/llm-providers/8f1d8d9e-3a55-4d7e-9d7c-1f5b8a3c2e10")]
    [InlineData("PATCH", "/llm-providers/8f1d8d9e-3a55-4d7e-9d7c-1f5b8a3c2e10")]
    [InlineData("DELETE", "/llm-providers/8f1d8d9e-3a55-4d7e-9d7c-1f5b8a3c2e10")]
    public async Task Every_provider_endpoint_answers_401_without_a_token(string method, string url)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PATCH")
        {
            request.Content = new StringContent("""{"name":"x","provider":"openai","apiKey":"sk-unauthenticated-1234"}""", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_non_Bearer_scheme_is_401()
    {
        var response = await GetProvidersWithAsync(new AuthenticationHeaderValue("Basic", Convert.ToBase64String("owner:password"u8.ToArray())));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_valid_token_under_a_non_Bearer_scheme_is_401()
    {
        var response = await GetProvidersWithAsync(new AuthenticationHeaderValue("Token", Tokens.Mint()));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("not.a.jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.")]
    public async Task A_garbage_token_is_401(string token)
    {
        var response = await GetProvidersWithAsync(new AuthenticationHeaderValue("Bearer", token));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(signingKey: Tokens.ForeignSigningKey)));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_whose_signature_was_tampered_with_is_401()
    {
        var token = Tokens.Mint();
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[0] = signature[0] == 'A' ? 'B' : 'A';

        var response = await GetProvidersWithAsync(Bearer($"{parts[0]}.{parts[1]}.{new string(signature)}"));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_whose_claims_were_changed_after_signing_is_401()
    {
        var parts = Tokens.Mint(organizationId: "org-original").Split('.');
        var forgedPayload = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("org-original", "org-forged", StringComparison.Ordinal));

        var response = await GetProvidersWithAsync(Bearer($"{parts[0]}.{forgedPayload}.{parts[2]}"));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_with_the_wrong_issuer_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(issuer: "someone-else")));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_without_an_issuer_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(issuer: null)));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_with_the_wrong_audience_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(audience: "some-other-api")));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_without_an_audience_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(audience: null)));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_whose_organization_claim_is_spelt_in_another_case_is_401_every_time_it_is_sent()
    {
        var token = Tokens.Mint(organizationId: "org-upper-case", organizationClaim: "ORG_ID");

        var first = await GetProvidersWithAsync(Bearer(token));
        var second = await GetProvidersWithAsync(Bearer(token));

        await first.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await second.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var now = DateTime.UtcNow;
        var token = Tokens.Mint(notBefore: now.AddMinutes(-20), expires: now.AddMinutes(-10));

        var response = await GetProvidersWithAsync(Bearer(token));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_token_that_is_not_valid_yet_is_401()
    {
        var now = DateTime.UtcNow;
        var token = Tokens.Mint(notBefore: now.AddMinutes(10), expires: now.AddMinutes(20));

        var response = await GetProvidersWithAsync(Bearer(token));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_without_an_expiry_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(withExpiry: false)));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Unsigned()));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_signed_with_the_right_key_but_HS512_instead_of_HS256_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.SignedWithHs512()));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_without_org_id_is_401()
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(organizationId: null)));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_token_with_a_blank_org_id_is_401(string organizationId)
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.Mint(organizationId: organizationId)));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    public static TheoryData<object> OrganizationIdsThatNameNoSingleOrganization() => new()
    {
        new List<string> { "org-multi-a", "org-multi-b" },
        true,
        42,
        new Dictionary<string, object> { ["id"] = "org-multi-a" },
    };

    [Theory]
    [MemberData(nameof(OrganizationIdsThatNameNoSingleOrganization))]
    public async Task A_token_whose_org_id_is_not_one_string_is_401(object organizationId)
    {
        var response = await GetProvidersWithAsync(Bearer(Tokens.MintWithClaimValues(organizationId, "owner")));

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_401_never_echoes_the_token()
    {
        var token = Tokens.Mint(signingKey: Tokens.ForeignSigningKey);

        var response = await GetProvidersWithAsync(Bearer(token));

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        body.ShouldNotContain(token.Split('.')[2]);
        body.ShouldNotContain(token.Split('.')[1]);
    }

    [Fact]
    public async Task A_valid_hand_minted_token_is_accepted()
    {
        var id = await SeedProviderAsync("org-valid-token");

        var response = await GetWithAsync(Bearer(Tokens.Mint(organizationId: "org-valid-token", role: "viewer")), $"{ProvidersUrl}/{id}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await response.DataAsync())["id"]!.GetValue<string>().ShouldBe(id);
    }

    [Fact]
    public async Task A_hand_assembled_HS256_token_is_accepted_so_the_HS512_refusal_is_about_the_algorithm()
    {
        var id = await SeedProviderAsync("org-hand-assembled");

        var response = await GetWithAsync(Bearer(Tokens.HandAssembledHs256(organizationId: "org-hand-assembled", role: "viewer")), $"{ProvidersUrl}/{id}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_valid_token_from_the_factory_can_create_and_read()
    {
        using var client = factory.ClientFor("org-auth-valid", "owner");

        using var created = await client.PostJsonAsync(ProvidersUrl, new { name = "Authenticated", provider = "openai", apiKey = "sk-authenticated-0000000000" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = ProviderSeed.IdOf(await created.DataAsync());

        using var fetched = await client.GetAsync($"{ProvidersUrl}/{id}", TestContext.Current.CancellationToken);
        fetched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fetched.DataAsync())["name"]!.GetValue<string>().ShouldBe("Authenticated");
    }

    private static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    private Task<HttpResponseMessage> GetProvidersWithAsync(AuthenticationHeaderValue authorization) =>
        GetWithAsync(authorization, ProvidersUrl);

    private async Task<HttpResponseMessage> GetWithAsync(AuthenticationHeaderValue authorization, string url)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = authorization;
        return await client.GetAsync(url, TestContext.Current.CancellationToken);
    }

    private async Task<string> SeedProviderAsync(string organizationId)
    {
        using var owner = factory.ClientFor(organizationId, "owner");
        return ProviderSeed.IdOf(await ProviderSeed.CreateAsync(owner, "Seeded for " + organizationId));
    }
}
