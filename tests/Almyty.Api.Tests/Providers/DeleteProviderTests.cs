using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Providers;

public sealed class DeleteProviderTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Delete_AnExistingProvider_Answers200WithItsIdAndDeletedTrue()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Doomed");

        var response = await client.DeleteProviderAsync(created.Id);

        var data = await response.OkDataAsync();
        data["id"]!.GetValue<string>().ShouldBe(created.Id);
        data["deleted"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Delete_ThenGet_Answers404()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Short-lived");
        (await client.DeleteProviderAsync(created.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await client.GetProviderAsync(created.Id);

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Delete_TheSameProviderTwice_Answers404TheSecondTime()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Twice");
        (await client.DeleteProviderAsync(created.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await client.DeleteProviderAsync(created.Id);

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Delete_RemovesTheProviderFromTheListAndLeavesTheOthers()
    {
        var client = factory.NewOwner();
        var kept = await client.CreateProviderAsync("Kept");
        var removed = await client.CreateProviderAsync("Removed");

        (await client.DeleteProviderAsync(removed.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var list = await (await client.ListProvidersAsync()).OkDataAsync();
        list.Ids().ShouldBe([kept.Id]);
        list["total"]!.GetValue<int>().ShouldBe(1);
        (await client.GetProviderAsync(kept.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_FreesTheNameForANewProvider()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Reusable");
        (await client.DeleteProviderAsync(created.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var again = await client.CreateProviderAsync("reusable");

        again.Id.ShouldNotBe(created.Id);
    }

    [Fact]
    public async Task Delete_WithIfMatchOfTheCurrentETag_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Conditional delete");

        var response = await client.DeleteProviderAsync(created.Id, ifMatch: created.ETag);

        (await response.OkDataAsync())["deleted"]!.GetValue<bool>().ShouldBeTrue();
        (await client.GetProviderAsync(created.Id)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_WithIfMatchOfAStaleETag_Answers412AndTheProviderStillExists()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Changed meanwhile");
        var patched = await client.PatchProviderAsync(created.Id, new JsonObject { ["model"] = "o1" });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await client.DeleteProviderAsync(created.Id, ifMatch: created.ETag);

        await response.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        var stored = await client.GetProviderAsync(created.Id);
        (await stored.OkDataAsync())["model"]!.GetValue<string>().ShouldBe("o1");
        stored.ETag().ShouldBe(patched.ETag());
    }

    [Fact]
    public async Task Delete_WithIfMatchStar_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Any version");

        var response = await client.DeleteProviderAsync(created.Id, ifMatch: "*");

        (await response.OkDataAsync())["id"]!.GetValue<string>().ShouldBe(created.Id);
    }

    [Fact]
    public async Task Delete_AnIdThatDoesNotExist_Answers404()
    {
        var client = factory.NewOwner();

        var response = await client.DeleteProviderAsync(Guid.NewGuid().ToString());

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Delete_AProviderOfAnotherOrganization_Answers404AndTheProviderStillExists()
    {
        var owner = factory.NewOwner();
        var created = await owner.CreateProviderAsync("Protected");
        var stranger = factory.NewOwner();

        var response = await stranger.DeleteProviderAsync(created.Id);

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        (await owner.GetProviderAsync(created.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("42")]
    public async Task Delete_AnIdThatIsNotAUuid_Answers400NamingTheId(string id)
    {
        var client = factory.NewOwner();

        var response = await client.DeleteProviderAsync(id);

        await response.ShouldBeValidationErrorAsync("id");
    }
}
