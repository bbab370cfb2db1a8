using System.Net;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Providers;

public sealed class GetProviderTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_AnExistingProvider_Answers200WithItsETagAndEveryContractField()
    {
        var client = factory.NewOwner();
        var apiKey = ProvidersApi.NewApiKey(lastFour: "Wxyz");
        var created = await client.CreateProviderAsync(ProvidersApi.Body("Readable", "anthropic", apiKey));

        var response = await client.GetProviderAsync(created.Id);

        var text = await response.Content.ReadAsStringAsync(Token);
        var data = await response.OkDataAsync();
        response.ETag().ShouldBe(created.ETag);
        foreach (var field in ProvidersApi.ContractFields)
        {
            data.ContainsKey(field).ShouldBeTrue($"'{field}' is missing from {text}");
        }

        data["id"]!.GetValue<string>().ShouldBe(created.Id);
        data["name"]!.GetValue<string>().ShouldBe("Readable");
        data["provider"]!.GetValue<string>().ShouldBe("anthropic");
        data["model"]!.GetValue<string>().ShouldBe("claude-sonnet-4-6");
        data["baseUrl"]!.GetValue<string>().ShouldBe("https://api.anthropic.com");
        data["status"]!.GetValue<string>().ShouldBe("active");
        data["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...Wxyz");
        data["createdAt"]!.GetValue<string>().ShouldBe(created.Data["createdAt"]!.GetValue<string>());
        text.ShouldNotContain(apiKey);
    }

    [Fact]
    public async Task Get_TheSameUnchangedProviderTwice_AnswersTheSameETag()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Stable");

        var first = await client.GetProviderAsync(created.Id);
        var second = await client.GetProviderAsync(created.Id);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.ETag().ShouldBe(first.ETag());
    }

    [Fact]
    public async Task Get_AnIdThatDoesNotExist_Answers404NotFound()
    {
        var client = factory.NewOwner();
        await client.CreateProviderAsync("Someone else");

        var response = await client.GetProviderAsync(Guid.NewGuid().ToString());

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        response.Headers.Contains("ETag").ShouldBeFalse();
    }

    [Fact]
    public async Task Get_AProviderOfAnotherOrganization_Answers404LikeAnIdThatDoesNotExist()
    {
        var owner = factory.NewOwner();
        var created = await owner.CreateProviderAsync("Private");
        var stranger = factory.NewOwner();

        var response = await stranger.GetProviderAsync(created.Id);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        body.ToJsonString().ShouldNotContain("Private");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-00000000000g")]
    [InlineData("00000000-0000-0000-0000-0000000000001")]
    [InlineData("1' OR '1'='1")]
    [InlineData("0199a0b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b ")]
    [InlineData(" 0199a0b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b")]
    public async Task Get_AnIdThatIsNotAUuid_Answers400NamingTheId(string id)
    {
        var client = factory.NewOwner();

        var response = await client.GetProviderAsync(Uri.EscapeDataString(id));

        await response.ShouldBeValidationErrorAsync("id");
    }

    [Fact]
    public async Task Get_ADeletedProvider_Answers404()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Gone");
        (await client.DeleteProviderAsync(created.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await client.GetProviderAsync(created.Id);

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}
