using System.Net;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests;

public sealed class SmokeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Create_then_get_returns_the_provider()
    {
        var client = factory.ClientFor("org-a", "owner");
        var created = await client.PostJsonAsync("/llm-providers", new { name = "Smoke", provider = "openai", apiKey = "sk-smoke-1234567890abcd" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.DataAsync())["id"]!.GetValue<string>();

        var fetched = await client.GetAsync($"/llm-providers/{id}", TestContext.Current.CancellationToken);
        fetched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fetched.DataAsync())["name"]!.GetValue<string>().ShouldBe("Smoke");
    }
}
