using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;
using Almyty.Application.Common.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// A key an HTTP header cannot carry (stored before keys were checked for it) is never sent: the call fails at once as
/// the key's fault, counts nothing, and leaves the shared host alone.
/// </summary>
public sealed class UnsendableApiKeyTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private const string UnsendableKey = "sk-ant-clé-0123456789abcdef";

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_chat_answers_502_PROVIDER_AUTH_FAILED_without_calling_or_counting(string kind)
    {
        var scenario = factory.Upstream.NewScenario(Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);
        await StoreKeyAsync(provider, UnsendableKey);

        using var response = await client.ChatAsync(provider, "Hi");

        var body = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        body.Message().ShouldContain("HTTP header");
        body.ToJsonString().ShouldNotContain("clé");
        scenario.Requests.Count.ShouldBe(0);
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(0, "nothing was sent");
    }

    [Fact]
    public async Task A_connection_test_reports_AUTH_FAILED()
    {
        var scenario = factory.Upstream.NewScenario(Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");
        await StoreKeyAsync(provider, UnsendableKey);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("AUTH_FAILED");
        scenario.Requests.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Such_a_key_is_refused_when_a_provider_is_created_or_changed()
    {
        var scenario = factory.Upstream.NewScenario(Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var created = await client.PostAsync("/llm-providers", Json(new JsonObject { ["name"] = "Accented", ["provider"] = "openai", ["apiKey"] = UnsendableKey }), TestContext.Current.CancellationToken);
        using var patched = await client.PatchAsync($"/llm-providers/{provider}", Json(new JsonObject { ["apiKey"] = UnsendableKey }), TestContext.Current.CancellationToken);

        foreach (var response in new[] { created, patched })
        {
            var body = await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            body["errors"]!.AsArray().ShouldContain(e => e!["field"]!.GetValue<string>() == "apiKey" && e["message"]!.GetValue<string>().Contains("ASCII", StringComparison.Ordinal));
        }
    }

    private async Task StoreKeyAsync(string providerId, string apiKey)
    {
        var id = Guid.Parse(providerId);
        var sealedKey = factory.Services.GetRequiredService<ISecretProtector>().Protect(apiKey, id);
        await factory.Database.ExecuteAsync(
            $"UPDATE llm_providers SET api_key_ciphertext = '\\x{Convert.ToHexString(sealedKey.Ciphertext)}'::bytea, api_key_id = '{sealedKey.KeyId}' WHERE id = '{id}'");
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
