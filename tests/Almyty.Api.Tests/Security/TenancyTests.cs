using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Security;

/// <summary>Another organization's id behaves exactly like an id that does not exist (404), for every verb.</summary>
public sealed class TenancyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_organization_does_not_see_the_provider_in_its_list()
    {
        var (clientA, clientB) = TwoOrganizations();
        var providerA = await ProviderSeed.CreateAsync(clientA, "Only for A");
        var providerB = await ProviderSeed.CreateAsync(clientB, "Only for B");

        using var listedByB = await clientB.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);
        var listB = await listedByB.DataAsync();
        listB["total"]!.GetValue<int>().ShouldBe(1);
        listB["providers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ShouldBe([ProviderSeed.IdOf(providerB)]);

        using var searchedByB = await clientB.GetAsync($"{ProviderSeed.Url}?search=only%20for%20a", TestContext.Current.CancellationToken);
        var searchB = await searchedByB.DataAsync();
        searchB["total"]!.GetValue<int>().ShouldBe(0);
        searchB["providers"]!.AsArray().ShouldBeEmpty();

        using var listedByA = await clientA.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);
        (await listedByA.DataAsync())["providers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ShouldBe([ProviderSeed.IdOf(providerA)]);
    }

    [Fact]
    public async Task Getting_another_organizations_provider_is_404_exactly_like_a_nonexistent_id()
    {
        var (clientA, clientB) = TwoOrganizations();
        var idA = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientA, "A's provider"));

        using var foreign = await clientB.GetAsync($"{ProviderSeed.Url}/{idA}", TestContext.Current.CancellationToken);
        using var missing = await clientB.GetAsync($"{ProviderSeed.Url}/{Guid.NewGuid()}", TestContext.Current.CancellationToken);

        await ShouldLookAlikeAsync(foreign, idA, missing);
        foreign.Headers.ETag.ShouldBeNull();
    }

    [Fact]
    public async Task Patching_another_organizations_provider_is_404_exactly_like_a_nonexistent_id_and_changes_nothing()
    {
        var (clientA, clientB) = TwoOrganizations();
        var idA = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientA, "A's provider", "sk-tenant-a-original-key-0001"));
        var before = await GetRawAsync(clientA, idA);
        var patch = new { name = "Taken over by B", apiKey = "sk-tenant-b-replacement-9999", model = "gpt-4o-mini", status = "inactive", configuration = new { temperature = 0.1 } };

        using var foreign = await clientB.PatchJsonAsync($"{ProviderSeed.Url}/{idA}", patch);
        var missingId = Guid.NewGuid().ToString();
        using var missing = await clientB.PatchJsonAsync($"{ProviderSeed.Url}/{missingId}", patch);

        await ShouldLookAlikeAsync(foreign, idA, missing, missingId);
        (await GetRawAsync(clientA, idA)).ShouldBe(before);
    }

    [Fact]
    public async Task Patching_another_organizations_provider_with_If_Match_is_still_404()
    {
        var (clientA, clientB) = TwoOrganizations();
        var idA = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientA, "A's provider"));
        using var readByA = await clientA.GetAsync($"{ProviderSeed.Url}/{idA}", TestContext.Current.CancellationToken);
        var etag = readByA.Headers.ETag!.ToString();

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{ProviderSeed.Url}/{idA}")
        {
            Content = new StringContent("""{"name":"Taken over by B"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        using var foreign = await clientB.SendAsync(request, TestContext.Current.CancellationToken);

        await foreign.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Deleting_another_organizations_provider_is_404_exactly_like_a_nonexistent_id_and_it_survives()
    {
        var (clientA, clientB) = TwoOrganizations();
        var idA = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientA, "A's provider"));
        var before = await GetRawAsync(clientA, idA);

        using var foreign = await clientB.DeleteAsync($"{ProviderSeed.Url}/{idA}", TestContext.Current.CancellationToken);
        var missingId = Guid.NewGuid().ToString();
        using var missing = await clientB.DeleteAsync($"{ProviderSeed.Url}/{missingId}", TestContext.Current.CancellationToken);

        await ShouldLookAlikeAsync(foreign, idA, missing, missingId);
        (await GetRawAsync(clientA, idA)).ShouldBe(before);
        (await factory.Database.ScalarAsync<long>($"SELECT count(*) FROM llm_providers WHERE id = '{idA}'")).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_name_may_exist_in_two_organizations()
    {
        var (clientA, clientB) = TwoOrganizations();

        var providerA = await ProviderSeed.CreateAsync(clientA, "Shared Name");
        var providerB = await ProviderSeed.CreateAsync(clientB, "Shared Name");

        ProviderSeed.IdOf(providerA).ShouldNotBe(ProviderSeed.IdOf(providerB));
        providerA["name"]!.GetValue<string>().ShouldBe("Shared Name");
        providerB["name"]!.GetValue<string>().ShouldBe("Shared Name");
    }

    [Fact]
    public async Task Renaming_to_a_name_used_only_in_another_organization_is_allowed()
    {
        var (clientA, clientB) = TwoOrganizations();
        await ProviderSeed.CreateAsync(clientA, "Production");
        var idB = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientB, "Staging"));

        using var renamed = await clientB.PatchJsonAsync($"{ProviderSeed.Url}/{idB}", new { name = "production" });

        renamed.StatusCode.ShouldBe(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_organization_id_is_matched_exactly_not_ignoring_case()
    {
        var organization = ProviderSeed.UniqueOrganization("org-case");
        using var clientA = factory.ClientFor(organization, "owner");
        using var clientUpper = factory.ClientFor(organization.ToUpperInvariant(), "owner");
        var idA = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientA, "Case sensitive"));

        using var foreign = await clientUpper.GetAsync($"{ProviderSeed.Url}/{idA}", TestContext.Current.CancellationToken);

        await foreign.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Interleaved_requests_of_two_organizations_each_see_only_their_own_providers()
    {
        // DbContexts are pooled: an instance served to organization A is served to B next. Every rental must be rebound.
        var (clientA, clientB) = TwoOrganizations();
        var idA = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientA, "Pooled A"));
        var idB = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(clientB, "Pooled B"));

        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            var (client, own, foreign) = i % 2 == 0 ? (clientA, idA, idB) : (clientB, idB, idA);
            using var listed = await client.GetAsync(ProviderSeed.Url, TestContext.Current.CancellationToken);
            (await listed.DataAsync())["providers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ShouldBe([own]);
            using var foreignGet = await client.GetAsync($"{ProviderSeed.Url}/{foreign}", TestContext.Current.CancellationToken);
            foreignGet.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        });
        await Task.WhenAll(requests);
    }

    private (HttpClient A, HttpClient B) TwoOrganizations() =>
        (factory.ClientFor(ProviderSeed.UniqueOrganization("org-a"), "owner"), factory.ClientFor(ProviderSeed.UniqueOrganization("org-b"), "owner"));

    private static async Task<string> GetRawAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return $"{response.Headers.ETag} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
    }

    /// <summary>Same status, same envelope, and the same message once each response's own id is taken out of it.</summary>
    private static async Task ShouldLookAlikeAsync(HttpResponseMessage foreign, string foreignId, HttpResponseMessage missing, string? missingId = null)
    {
        var foreignBody = await foreign.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var missingBody = await missing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Normalize(foreignBody, foreignId).ShouldBe(Normalize(missingBody, missingId ?? IdIn(missing)));
        foreign.Content.Headers.ContentType?.ToString().ShouldBe(missing.Content.Headers.ContentType?.ToString());
    }

    private static string IdIn(HttpResponseMessage response) =>
        response.RequestMessage!.RequestUri!.Segments[^1];

    private static string Normalize(JsonNode body, string id) =>
        body.ToJsonString().Replace(id, "{id}", StringComparison.OrdinalIgnoreCase);
}
