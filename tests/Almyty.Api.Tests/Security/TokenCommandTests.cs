using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Almyty.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Tests.Security;

/// <summary>
/// <c>Almyty.Api token --org &lt;id&gt; --role &lt;role&gt; [--sub &lt;id&gt;] [--expires &lt;minutes&gt;]</c>, run as the operator runs it:
/// a separate process, with nothing but the signing key configured (no database, no secret keys).
/// </summary>
public sealed partial class TokenCommandTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_token_command_prints_exactly_one_HS256_token_with_the_requested_claims()
    {
        var before = DateTimeOffset.UtcNow;

        var run = await RunApiAsync("token", "--org", "org-x", "--role", "viewer", "--expires", "5");

        var after = DateTimeOffset.UtcNow;
        run.ExitCode.ShouldBe(0, run.StandardError);
        var token = run.StandardOutput.TrimEnd('\r', '\n');
        token.ShouldNotContain('\n', customMessage: "standard output holds more than the token");
        JwtShape().IsMatch(token).ShouldBeTrue($"not a compact JWT: '{run.StandardOutput}'");

        var jwt = new JsonWebToken(token);
        jwt.Alg.ShouldBe(SecurityAlgorithms.HmacSha256);
        jwt.Issuer.ShouldBe("almyty");
        jwt.Audiences.ShouldBe(["almyty-api"]);
        jwt.GetClaim("org_id").Value.ShouldBe("org-x");
        jwt.GetClaim("role").Value.ShouldBe("viewer");
        jwt.TryGetClaim("sub", out var subject).ShouldBeTrue();
        subject.Value.ShouldNotBeNullOrWhiteSpace();
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        expires.ShouldBeGreaterThanOrEqualTo(before.AddMinutes(5).AddSeconds(-2));
        expires.ShouldBeLessThanOrEqualTo(after.AddMinutes(5).AddSeconds(2));

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "almyty",
            ValidAudience = "almyty-api",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ApiFactory.SigningKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
    }

    [Fact]
    public async Task The_token_command_takes_the_subject_from_sub()
    {
        var run = await RunApiAsync("token", "--org", "org-y", "--role", "admin", "--sub", "alice@example.com");

        run.ExitCode.ShouldBe(0, run.StandardError);
        var jwt = new JsonWebToken(run.StandardOutput.Trim());
        jwt.Subject.ShouldBe("alice@example.com");
        jwt.GetClaim("role").Value.ShouldBe("admin");
        jwt.GetClaim("org_id").Value.ShouldBe("org-y");
    }

    [Fact]
    public async Task A_token_from_the_command_authenticates_against_the_api_with_its_role()
    {
        var organization = ProviderSeed.UniqueOrganization("org-cli");
        var viewerRun = await RunApiAsync("token", "--org", organization, "--role", "viewer", "--expires", "5");
        var ownerRun = await RunApiAsync("token", "--org", organization, "--role", "owner", "--expires", "5");
        viewerRun.ExitCode.ShouldBe(0, viewerRun.StandardError);
        ownerRun.ExitCode.ShouldBe(0, ownerRun.StandardError);
        using var viewer = factory.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerRun.StandardOutput.Trim());
        using var owner = factory.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new("Bearer", ownerRun.StandardOutput.Trim());

        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(owner, "Made with a CLI token"));
        using var fetched = await viewer.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        using var refused = await viewer.PostJsonAsync(ProviderSeed.Url, new { name = "Viewer's", provider = "openai", apiKey = "sk-viewer-cli-0000000000" });

        fetched.StatusCode.ShouldBe(HttpStatusCode.OK, await fetched.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await fetched.DataAsync())["name"]!.GetValue<string>().ShouldBe("Made with a CLI token");
        await refused.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Theory]
    [InlineData("--org", "missing --org", new[] { "token", "--role", "viewer" })]
    [InlineData("--org", "empty --org", new[] { "token", "--org", "", "--role", "viewer" })]
    [InlineData("--role", "missing --role", new[] { "token", "--org", "org-x" })]
    [InlineData("--role", "unknown --role", new[] { "token", "--org", "org-x", "--role", "superuser" })]
    [InlineData("--role", "wrong-case --role", new[] { "token", "--org", "org-x", "--role", "OWNER" })]
    [InlineData("--expires", "non-numeric --expires", new[] { "token", "--org", "org-x", "--role", "viewer", "--expires", "soon" })]
    [InlineData("--expires", "zero --expires", new[] { "token", "--org", "org-x", "--role", "viewer", "--expires", "0" })]
    public async Task A_bad_token_command_exits_non_zero_and_says_why_on_standard_error(string option, string because, string[] arguments)
    {
        var run = await RunApiAsync(arguments);

        run.ExitCode.ShouldNotBe(0, because);
        run.StandardError.ShouldContain(option, Case.Sensitive, because);
        run.StandardOutput.Trim().ShouldBeEmpty(because);
    }

    [Fact]
    public async Task With_only_an_OIDC_authority_the_token_command_exits_1_saying_it_needs_the_signing_key_without_a_stack_trace()
    {
        var run = await ApiProcess.RunAsync(
            new Dictionary<string, string> { ["Auth__Jwt__Authority"] = "https://login.example.com/" },
            TimeSpan.FromMinutes(2),
            "token", "--org", "o", "--role", "owner");

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain("Almyty cannot start; fix these settings:");
        var reason = run.StandardError.Split('\n').Where(line => line.StartsWith("  - ", StringComparison.Ordinal)).ShouldHaveSingleItem(run.StandardError);
        reason.ShouldContain("Auth__Jwt__SigningKey is not set", Case.Sensitive);
        reason.ShouldContain("Auth__Jwt__Authority", Case.Sensitive);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        run.StandardError.ShouldNotContain("   at ", Case.Sensitive);
        run.StandardError.ShouldNotContain("Unhandled", Case.Insensitive);
        run.StandardOutput.Trim().ShouldBeEmpty();
    }

    [Fact]
    public async Task With_an_OIDC_authority_and_a_short_signing_key_the_token_command_exits_1_saying_so_without_a_stack_trace()
    {
        var run = await ApiProcess.RunAsync(
            new Dictionary<string, string> { ["Auth__Jwt__Authority"] = "https://login.example.com/", ["Auth__Jwt__SigningKey"] = "ten-bytes!" },
            TimeSpan.FromMinutes(2),
            "token", "--org", "o", "--role", "owner");

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.Split('\n').Where(line => line.StartsWith("  - ", StringComparison.Ordinal)).ShouldHaveSingleItem(run.StandardError)
            .ShouldContain("Auth__Jwt__SigningKey is too short for the token command", Case.Sensitive);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        run.StandardError.ShouldNotContain("   at ", Case.Sensitive);
        run.StandardError.ShouldNotContain("Unhandled", Case.Insensitive);
        run.StandardOutput.Trim().ShouldBeEmpty();
    }

    private static Task<ProcessRun> RunApiAsync(params string[] arguments) =>
        ApiProcess.RunAsync(new Dictionary<string, string> { ["Auth__Jwt__SigningKey"] = ApiFactory.SigningKey }, TimeSpan.FromMinutes(2), arguments);

    [GeneratedRegex("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    private static partial Regex JwtShape();
}
