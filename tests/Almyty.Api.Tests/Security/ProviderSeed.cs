using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Security;

internal static class ProviderSeed
{
    public const string Url = "/llm-providers";

    /// <summary>Creates an openai provider and returns its <c>data</c>, failing the test when the API refuses.</summary>
    public static async Task<JsonNode> CreateAsync(HttpClient client, string name, string apiKey = "sk-seed-key-0000000000000000")
    {
        using var response = await client.PostJsonAsync(Url, new { name, provider = "openai", apiKey, model = "gpt-4o" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.DataAsync();
    }

    public static string IdOf(JsonNode provider) => provider["id"]!.GetValue<string>();

    public static string UniqueOrganization(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
