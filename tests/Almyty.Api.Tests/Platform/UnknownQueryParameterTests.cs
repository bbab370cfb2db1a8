using System.Net;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Platform;

/// <summary>A query parameter an endpoint does not take is a 400 naming it, like an unknown JSON member.</summary>
public sealed class UnknownQueryParameterTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_misspelt_list_parameter_is_400_naming_it_and_listing_what_the_endpoint_takes()
    {
        var client = factory.NewOwner();

        using var response = await client.GetAsync("/llm-providers?limt=5", Token);

        var error = await response.ShouldBeValidationErrorAsync("limt");
        var message = error["message"]!.GetValue<string>();
        message.ShouldContain("'limt'");
        message.ShouldContain("page, limit, provider, status, search, sortBy, sortOrder");
    }

    [Fact]
    public async Task Known_parameters_are_matched_ignoring_case_as_they_are_bound()
    {
        var client = factory.NewOwner();
        await client.CreateProviderAsync("Case one");
        await client.CreateProviderAsync("Case two");

        using var response = await client.GetAsync("/llm-providers?LIMIT=1&SortBy=name&SORTORDER=asc", Token);

        var data = await response.OkDataAsync();
        data["limit"]!.GetValue<int>().ShouldBe(1);
        data.Names().ShouldBe(["Case one"]);
    }

    [Theory]
    [InlineData("GET", "/llm-providers/0196a5a4-3f0e-7c41-9d2b-5a6f7e8d9c01?expand=usage", "expand")]
    [InlineData("POST", "/llm-providers/0196a5a4-3f0e-7c41-9d2b-5a6f7e8d9c01/chat?stream=true", "stream")]
    [InlineData("GET", "/llm-providers/0196a5a4-3f0e-7c41-9d2b-5a6f7e8d9c01/sessions?page=1&size=5", "size")]
    [InlineData("GET", "/llm-providers/0196a5a4-3f0e-7c41-9d2b-5a6f7e8d9c01/usage?group=day", "group")]
    [InlineData("GET", "/llm-providers/catalog?kind=openai", "kind")]
    public async Task Every_resource_endpoint_refuses_a_parameter_it_does_not_take(string method, string url, string field)
    {
        var client = factory.NewOwner();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);

        using var response = await client.SendAsync(request, Token);

        await response.ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task An_endpoint_without_query_parameters_says_so()
    {
        var client = factory.NewOwner();

        using var response = await client.GetAsync("/llm-providers/0196a5a4-3f0e-7c41-9d2b-5a6f7e8d9c01?x=1", Token);

        var error = await response.ShouldBeValidationErrorAsync("x");
        error["message"]!.GetValue<string>().ShouldContain("takes no query parameters");
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_whatever_the_query()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/llm-providers?limt=5", Token);

        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Health_checks_ignore_the_query()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/live?probe=1", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
