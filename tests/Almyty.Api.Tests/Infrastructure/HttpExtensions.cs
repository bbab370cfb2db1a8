using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Almyty.Api.Tests.Infrastructure;

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsync(url, JsonBody(body));

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object body) =>
        client.PatchAsync(url, JsonBody(body));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    public static Task<HttpResponseMessage> PatchRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PatchAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("The response body was JSON null.");
    }

    /// <summary>The <c>data</c> of a success envelope, after checking that it is one.</summary>
    public static async Task<JsonNode> DataAsync(this HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        body["success"]!.GetValue<bool>().ShouldBeTrue(body.ToJsonString());
        return body["data"]!;
    }

    private static StringContent JsonBody(object body) =>
        new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
