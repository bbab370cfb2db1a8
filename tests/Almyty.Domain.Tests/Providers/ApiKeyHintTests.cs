using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class ApiKeyHintTests
{
    [Theory]
    [InlineData("sk-proj-abcdefghAb3d", "sk-...Ab3d")]
    [InlineData("sk-ant-" + "api03-0123456789XYZ9", "sk-...XYZ9")] // split so it never reads as a real key
    [InlineData("123456789012", "sk-...9012")]
    public void For_AKeyOfTwelveCharactersOrMore_ShowsTheMaskAndItsLastFour(string apiKey, string expected) =>
        ApiKeyHint.For(apiKey).ShouldBe(expected);

    [Theory]
    [InlineData("12345678901")]
    [InlineData("abcd")]
    [InlineData("x")]
    [InlineData("")]
    public void For_AKeyShorterThanTwelveCharacters_ShowsTheMaskAlone(string apiKey) =>
        ApiKeyHint.For(apiKey).ShouldBe(ApiKeyHint.Mask);

    [Fact]
    public void For_NeverShowsMoreThanTheLastFourCharacters()
    {
        const string apiKey = "sk-proj-SECRETSECRET-Ab3d";

        var hint = ApiKeyHint.For(apiKey);

        hint.ShouldNotContain("SECRET");
        hint[ApiKeyHint.Mask.Length..].ShouldBe("Ab3d");
    }

    [Fact]
    public void For_AKeyEndingInCharactersOutsideTheBasicPlane_ShowsItsLastFourWholeCharacters()
    {
        const string fourEmoji = "\U0001F511\U0001F512\U0001F513\U0001F510";

        ApiKeyHint.For("key-0123456789" + fourEmoji).ShouldBe(ApiKeyHint.Mask + fourEmoji);
    }

    [Fact]
    public void Mask_IsTheFixedPrefixTheContractShows() => ApiKeyHint.Mask.ShouldBe("sk-...");

    [Fact]
    public void For_Null_Throws() => Should.Throw<ArgumentNullException>(() => ApiKeyHint.For(null!));
}
