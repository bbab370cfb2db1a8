using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Security;

/// <summary>Checks of the platform's error shape: <c>{"success": false, "message", "error", "statusCode"}</c>.</summary>
internal static class Envelopes
{
    public static async Task<JsonNode> ShouldBeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/json", text);
        var body = await response.JsonAsync();
        body["success"]!.GetValue<bool>().ShouldBeFalse(text);
        body["statusCode"]!.GetValue<int>().ShouldBe((int)status, text);
        body["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(text);
        var error = body["error"]!.GetValue<string>();
        if (code is null)
        {
            error.ShouldNotBeNullOrWhiteSpace(text);
        }
        else
        {
            error.ShouldBe(code, text);
        }

        return body;
    }
}
