using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Providers;

public sealed class ListProvidersTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task List_WithNoProviders_AnswersAnEmptyFirstPageWithTheDefaultLimit()
    {
        var client = factory.NewOwner();

        var data = await (await client.ListProvidersAsync()).OkDataAsync();

        data["providers"]!.AsArray().Count.ShouldBe(0);
        data["total"]!.GetValue<int>().ShouldBe(0);
        data["page"]!.GetValue<int>().ShouldBe(1);
        data["limit"]!.GetValue<int>().ShouldBe(20);
        data.ContainsKey("totalPages").ShouldBeTrue();
    }

    [Fact]
    public async Task List_WithoutPagingParameters_AnswersPage1With20ProvidersAndTheTotals()
    {
        var client = factory.NewOwner();
        var ids = await CreateManyAsync(client, 23);

        var data = await (await client.ListProvidersAsync()).OkDataAsync();

        data["page"]!.GetValue<int>().ShouldBe(1);
        data["limit"]!.GetValue<int>().ShouldBe(20);
        data["total"]!.GetValue<int>().ShouldBe(23);
        data["totalPages"]!.GetValue<int>().ShouldBe(2);
        data.Ids().Count.ShouldBe(20);
        data.Ids().ShouldBeSubsetOf(ids);
    }

    [Fact]
    public async Task List_EachProvider_CarriesEveryContractFieldAndNeverTheApiKey()
    {
        var client = factory.NewOwner();
        var apiKey = ProvidersApi.NewApiKey(lastFour: "L1st");
        await client.CreateProviderAsync(ProvidersApi.Body("Listed", "openai", apiKey));

        var response = await client.ListProvidersAsync();

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var data = await response.OkDataAsync();
        var provider = data["providers"]!.AsArray().Single()!.AsObject();
        foreach (var field in ProvidersApi.ContractFields)
        {
            provider.ContainsKey(field).ShouldBeTrue($"'{field}' is missing from {text}");
        }

        provider["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...L1st");
        text.ShouldNotContain(apiKey);
    }

    [Fact]
    public async Task List_PageByPage_VisitsEveryProviderExactlyOnce()
    {
        var client = factory.NewOwner();
        var ids = await CreateManyAsync(client, 5);

        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var data = await (await client.ListProvidersAsync($"page={page}&limit=2")).OkDataAsync();
            data["page"]!.GetValue<int>().ShouldBe(page);
            data["limit"]!.GetValue<int>().ShouldBe(2);
            data["total"]!.GetValue<int>().ShouldBe(5);
            data["totalPages"]!.GetValue<int>().ShouldBe(3);
            data.Ids().Count.ShouldBe(page < 3 ? 2 : 1);
            seen.AddRange(data.Ids());
        }

        seen.ShouldBeUnique();
        seen.ShouldBe(ids, ignoreOrder: true);
    }

    [Fact]
    public async Task List_APageBeyondTheLast_AnswersAnEmptyPageWithTheTotals()
    {
        var client = factory.NewOwner();
        await CreateManyAsync(client, 3);

        var data = await (await client.ListProvidersAsync("page=5&limit=2")).OkDataAsync();

        data.Ids().ShouldBeEmpty();
        data["page"]!.GetValue<int>().ShouldBe(5);
        data["total"]!.GetValue<int>().ShouldBe(3);
        data["totalPages"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task List_TheLargestPageNumber_AnswersAnEmptyPageInsteadOfOverflowing()
    {
        var client = factory.NewOwner();
        await CreateManyAsync(client, 1);

        var data = await (await client.ListProvidersAsync($"page={int.MaxValue}&limit=100")).OkDataAsync();

        data.Ids().ShouldBeEmpty();
        data["page"]!.GetValue<int>().ShouldBe(int.MaxValue);
        data["total"]!.GetValue<int>().ShouldBe(1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task List_WithALimitAtTheEdgeOfItsRange_HonoursIt(int limit)
    {
        var client = factory.NewOwner();
        await CreateManyAsync(client, 2);

        var data = await (await client.ListProvidersAsync($"limit={limit}")).OkDataAsync();

        data["limit"]!.GetValue<int>().ShouldBe(limit);
        data.Ids().Count.ShouldBe(Math.Min(limit, 2));
        data["totalPages"]!.GetValue<int>().ShouldBe(limit == 1 ? 2 : 1);
    }

    [Fact]
    public async Task List_DoesNotShowTheProvidersOfAnotherOrganization()
    {
        var mine = factory.NewOwner();
        var theirs = factory.NewOwner();
        var own = await mine.CreateProviderAsync("Mine");
        await theirs.CreateProviderAsync("Theirs");
        await theirs.CreateProviderAsync("Also theirs");

        var data = await (await mine.ListProvidersAsync()).OkDataAsync();

        data.Ids().ShouldBe([own.Id]);
        data["total"]!.GetValue<int>().ShouldBe(1);
    }

    [Theory]
    [InlineData("openai", new[] { "OpenAI one", "OpenAI two" })]
    [InlineData("anthropic", new[] { "Claude" })]
    [InlineData("custom", new[] { "Self-hosted" })]
    public async Task List_FilteredByProvider_AnswersOnlyThatKindAndCountsOnlyThem(string provider, string[] expected)
    {
        var client = factory.NewOwner();
        await client.CreateProviderAsync("OpenAI one");
        await client.CreateProviderAsync("Claude", "anthropic");
        await client.CreateProviderAsync(ProvidersApi.Body("Self-hosted", "custom").With("baseUrl", "https://llm.example.com/v1"));
        await client.CreateProviderAsync("OpenAI two");

        var data = await (await client.ListProvidersAsync($"provider={provider}")).OkDataAsync();

        data.Names().ShouldBe(expected, ignoreOrder: true);
        data["total"]!.GetValue<int>().ShouldBe(expected.Length);
        data["providers"]!.AsArray().ShouldAllBe(p => p!["provider"]!.GetValue<string>() == provider);
    }

    [Fact]
    public async Task List_FilteredByStatus_AnswersOnlyProvidersInThatStatus()
    {
        var client = factory.NewOwner();
        var enabled = await client.CreateProviderAsync("Enabled");
        var disabled = await client.CreateProviderAsync("Disabled");
        (await client.PatchProviderAsync(disabled.Id, new JsonObject { ["status"] = "inactive" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var inactive = await (await client.ListProvidersAsync("status=inactive")).OkDataAsync();
        var active = await (await client.ListProvidersAsync("status=active")).OkDataAsync();
        var error = await (await client.ListProvidersAsync("status=error")).OkDataAsync();

        inactive.Ids().ShouldBe([disabled.Id]);
        inactive["total"]!.GetValue<int>().ShouldBe(1);
        active.Ids().ShouldBe([enabled.Id]);
        active["total"]!.GetValue<int>().ShouldBe(1);
        error.Ids().ShouldBeEmpty();
        error["total"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task List_FilteredByProviderAndStatusTogether_AppliesBoth()
    {
        var client = factory.NewOwner();
        await client.CreateProviderAsync("Active OpenAI");
        var target = await client.CreateProviderAsync("Inactive Claude", "anthropic");
        var other = await client.CreateProviderAsync("Inactive OpenAI");
        (await client.PatchProviderAsync(target.Id, new JsonObject { ["status"] = "inactive" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PatchProviderAsync(other.Id, new JsonObject { ["status"] = "inactive" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var data = await (await client.ListProvidersAsync("provider=anthropic&status=inactive")).OkDataAsync();

        data.Ids().ShouldBe([target.Id]);
    }

    [Theory]
    [InlineData("alpha", new[] { "Alpha Production", "alpha staging", "Team ALPHA" })]
    [InlineData("ALPHA", new[] { "Alpha Production", "alpha staging", "Team ALPHA" })]
    [InlineData("Production", new[] { "Alpha Production" })]
    [InlineData("a s", new[] { "alpha staging" })]
    [InlineData("beta", new[] { "Beta" })]
    [InlineData("gamma", new string[0])]
    public async Task List_WithASearch_MatchesTheNameIgnoringCase(string search, string[] expected)
    {
        var client = factory.NewOwner();
        foreach (var name in new[] { "Alpha Production", "alpha staging", "Beta", "Team ALPHA" })
        {
            await client.CreateProviderAsync(name);
        }

        var data = await (await client.ListProvidersAsync($"search={Uri.EscapeDataString(search)}")).OkDataAsync();

        data.Names().ShouldBe(expected, ignoreOrder: true);
        data["total"]!.GetValue<int>().ShouldBe(expected.Length);
    }

    [Theory]
    [InlineData("50%", new[] { "Promo 50% off" })]
    [InlineData("a_b", new[] { "a_b route" })]
    [InlineData("%", new[] { "Promo 50% off" })]
    [InlineData("_", new[] { "a_b route" })]
    [InlineData("\\", new[] { "back\\slash" })]
    public async Task List_WithASearchHoldingLikeWildcards_MatchesThemLiterally(string search, string[] expected)
    {
        var client = factory.NewOwner();
        foreach (var name in new[] { "Promo 50% off", "Promo 500", "a_b route", "axb route", "back\\slash" })
        {
            await client.CreateProviderAsync(name);
        }

        var data = await (await client.ListProvidersAsync($"search={Uri.EscapeDataString(search)}")).OkDataAsync();

        data.Names().ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task List_SortedByNameAscending_OrdersAlphabetically()
    {
        var client = factory.NewOwner();
        foreach (var name in new[] { "Charlie", "Alpha", "Delta", "Bravo" })
        {
            await client.CreateProviderAsync(name);
        }

        var ascending = await (await client.ListProvidersAsync("sortBy=name&sortOrder=asc")).OkDataAsync();
        var descending = await (await client.ListProvidersAsync("sortBy=name&sortOrder=desc")).OkDataAsync();

        ascending.Names().ShouldBe(["Alpha", "Bravo", "Charlie", "Delta"]);
        descending.Names().ShouldBe(["Delta", "Charlie", "Bravo", "Alpha"]);
    }

    [Fact]
    public async Task List_SortedByNameAcrossPages_KeepsTheOrderFromPageToPage()
    {
        var client = factory.NewOwner();
        foreach (var name in new[] { "Echo", "Charlie", "Alpha", "Delta", "Bravo" })
        {
            await client.CreateProviderAsync(name);
        }

        var first = await (await client.ListProvidersAsync("sortBy=name&sortOrder=asc&limit=2&page=1")).OkDataAsync();
        var second = await (await client.ListProvidersAsync("sortBy=name&sortOrder=asc&limit=2&page=2")).OkDataAsync();
        var third = await (await client.ListProvidersAsync("sortBy=name&sortOrder=asc&limit=2&page=3")).OkDataAsync();

        first.Names().Concat(second.Names()).Concat(third.Names()).ShouldBe(["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);
    }

    [Fact]
    public async Task List_SortedByCreatedAt_OrdersByCreationInEitherDirection()
    {
        var client = factory.NewOwner();
        var ids = await CreateManyAsync(client, 4);

        var ascending = await (await client.ListProvidersAsync("sortBy=createdAt&sortOrder=asc")).OkDataAsync();
        var descending = await (await client.ListProvidersAsync("sortBy=createdAt&sortOrder=desc")).OkDataAsync();

        ascending.Ids().ShouldBe(ids);
        descending.Ids().ShouldBe(ids.AsEnumerable().Reverse());
    }

    [Theory]
    [InlineData("totalCost", "asc")]
    [InlineData("totalCost", "desc")]
    [InlineData("lastUsedAt", "asc")]
    [InlineData("lastUsedAt", "desc")]
    [InlineData("name", "asc")]
    [InlineData("createdAt", "desc")]
    public async Task List_SortedByAnyContractField_AnswersEveryProviderOnceAcrossPages(string sortBy, string sortOrder)
    {
        var client = factory.NewOwner();
        var ids = await CreateManyAsync(client, 5);

        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var data = await (await client.ListProvidersAsync($"sortBy={sortBy}&sortOrder={sortOrder}&limit=2&page={page}")).OkDataAsync();
            data["total"]!.GetValue<int>().ShouldBe(5);
            seen.AddRange(data.Ids());
        }

        seen.ShouldBeUnique();
        seen.ShouldBe(ids, ignoreOrder: true);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=1.5", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-10", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=1000", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=2.5", "limit")]
    [InlineData("provider=gemini", "provider")]
    [InlineData("status=deleted", "status")]
    [InlineData("status=disabled", "status")]
    [InlineData("sortBy=updatedAt", "sortBy")]
    [InlineData("sortBy=apiKey", "sortBy")]
    [InlineData("sortBy=name;DROP", "sortBy")]
    [InlineData("sortOrder=up", "sortOrder")]
    [InlineData("sortOrder=ascending", "sortOrder")]
    public async Task List_WithAnOutOfRangeOrUnknownQueryValue_Answers400NamingItInsteadOfClamping(string query, string field)
    {
        var client = factory.NewOwner();
        await client.CreateProviderAsync("Present");

        var response = await client.ListProvidersAsync(query);

        await response.ShouldBeValidationErrorAsync(field);
    }

    private static async Task<List<string>> CreateManyAsync(HttpClient client, int count)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await client.CreateProviderAsync($"Provider {i:D3}", i % 2 == 0 ? "openai" : "anthropic")).Id);
        }

        return ids;
    }
}
