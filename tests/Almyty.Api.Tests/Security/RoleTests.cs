using System.Net;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Security;

/// <summary>owner/admin: everything; member and viewer: read only on the provider resource; any other role: 403.</summary>
public sealed class RoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    public async Task Owners_and_admins_may_create_patch_and_delete_a_provider(string role)
    {
        var organization = ProviderSeed.UniqueOrganization(role);
        using var client = factory.ClientFor(organization, role);

        using var created = await client.PostJsonAsync(ProviderSeed.Url, new { name = "Managed", provider = "openai", apiKey = "sk-managed-000000000000" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = ProviderSeed.IdOf(await created.DataAsync());

        using var patched = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { name = "Managed, renamed" });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await patched.DataAsync())["name"]!.GetValue<string>().ShouldBe("Managed, renamed");

        using var deleted = await client.DeleteAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        deleted.StatusCode.ShouldBe(HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await deleted.DataAsync())["deleted"]!.GetValue<bool>().ShouldBeTrue();

        using var gone = await client.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        await gone.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_are_forbidden_to_create_a_provider(string role)
    {
        var organization = ProviderSeed.UniqueOrganization(role);
        using var client = factory.ClientFor(organization, role);

        using var response = await client.PostJsonAsync(ProviderSeed.Url, new { name = "Not allowed", provider = "openai", apiKey = "sk-forbidden-00000000000" });

        await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await factory.Database.ScalarAsync<long>($"SELECT count(*) FROM llm_providers WHERE organization_id = '{organization}'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_are_forbidden_to_patch_a_provider_and_it_stays_unchanged(string role)
    {
        var organization = ProviderSeed.UniqueOrganization(role);
        using var owner = factory.ClientFor(organization, "owner");
        var provider = await ProviderSeed.CreateAsync(owner, "Read only");
        var id = ProviderSeed.IdOf(provider);
        using var client = factory.ClientFor(organization, role);

        using var response = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { name = "Renamed by " + role, apiKey = "sk-replaced-0000000000000" });

        await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var after = await owner.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        var data = await after.DataAsync();
        data["name"]!.GetValue<string>().ShouldBe("Read only");
        data["apiKeyHint"]!.GetValue<string>().ShouldBe(provider["apiKeyHint"]!.GetValue<string>());
        data["updatedAt"]!.GetValue<string>().ShouldBe(provider["updatedAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_are_forbidden_to_delete_a_provider_and_it_remains(string role)
    {
        var organization = ProviderSeed.UniqueOrganization(role);
        using var owner = factory.ClientFor(organization, "owner");
        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(owner, "Kept"));
        using var client = factory.ClientFor(organization, role);

        using var response = await client.DeleteAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);

        await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var after = await owner.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Every_role_may_list_and_get_providers(string role)
    {
        var organization = ProviderSeed.UniqueOrganization(role);
        using var owner = factory.ClientFor(organization, "owner");
        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(owner, "Readable"));
        using var client = factory.ClientFor(organization, role);

        using var listed = await client.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);
        listed.StatusCode.ShouldBe(HttpStatusCode.OK, await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var list = await listed.DataAsync();
        list["total"]!.GetValue<int>().ShouldBe(1);
        list["providers"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(id);

        using var fetched = await client.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        fetched.StatusCode.ShouldBe(HttpStatusCode.OK, await fetched.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await fetched.DataAsync())["name"]!.GetValue<string>().ShouldBe("Readable");
    }

    [Theory]
    [InlineData("owner", "viewer")]
    [InlineData("viewer", "owner")]
    [InlineData("owner", "owner")]
    public async Task A_token_with_several_roles_is_forbidden_everything_whatever_their_order(string first, string second)
    {
        var organization = ProviderSeed.UniqueOrganization("several-roles");
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.MintWithClaimValues(organization, new[] { first, second }));

        using var listed = await client.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);
        await listed.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var created = await client.PostJsonAsync(ProviderSeed.Url, new { name = "By two roles", provider = "openai", apiKey = "sk-several-roles-000000000" });
        await created.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task A_role_that_is_not_a_string_is_forbidden()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.MintWithClaimValues(ProviderSeed.UniqueOrganization("role-type"), true));

        using var listed = await client.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);

        await listed.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Theory]
    [InlineData("superuser")]
    [InlineData("root")]
    [InlineData("Owner")]
    [InlineData("")]
    public async Task An_unknown_role_is_forbidden_everything(string role)
    {
        var organization = ProviderSeed.UniqueOrganization("unknown-role");
        using var owner = factory.ClientFor(organization, "owner");
        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(owner, "Guarded"));
        using var client = factory.ClientFor(organization, role);

        using var listed = await client.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);
        await listed.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var fetched = await client.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        await fetched.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var created = await client.PostJsonAsync(ProviderSeed.Url, new { name = "By " + role, provider = "openai", apiKey = "sk-unknown-role-000000000" });
        await created.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var patched = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { name = "Renamed" });
        await patched.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var deleted = await client.DeleteAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        await deleted.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");

        using var after = await owner.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        (await after.DataAsync())["name"]!.GetValue<string>().ShouldBe("Guarded");
    }

    [Fact]
    public async Task A_token_without_a_role_claim_is_forbidden()
    {
        var organization = ProviderSeed.UniqueOrganization("no-role");
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Mint(organizationId: organization, role: null));

        using var listed = await client.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);

        await listed.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }
}
