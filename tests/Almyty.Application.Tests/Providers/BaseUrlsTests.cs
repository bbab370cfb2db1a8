using Almyty.Application.Providers;

namespace Almyty.Application.Tests.Providers;

public sealed class BaseUrlsTests
{
    [Theory]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1")]
    [InlineData("http://llm.example.com:8080/v1", "http://llm.example.com:8080/v1")]
    [InlineData("https://api.anthropic.com", "https://api.anthropic.com")]
    [InlineData("https://[2606:4700::1111]/v1", "https://[2606:4700::1111]/v1")]
    public void TryParse_AnAbsoluteHttpUrl_Succeeds(string value, string expected)
    {
        BaseUrls.TryParse(value, out var url, out var problem).ShouldBeTrue();

        url.ShouldNotBeNull().OriginalString.ShouldBe(expected);
        problem.ShouldBeNull();
    }

    [Theory]
    [InlineData("https://api.openai.com/v1/", "https://api.openai.com/v1")]
    [InlineData("https://api.openai.com/v1//", "https://api.openai.com/v1")]
    [InlineData("https://api.anthropic.com/", "https://api.anthropic.com")]
    public void TryParse_TrimsATrailingSlash(string value, string expected)
    {
        BaseUrls.TryParse(value, out var url, out _).ShouldBeTrue();

        url.ShouldNotBeNull().OriginalString.ShouldBe(expected);
        url.IsAbsoluteUri.ShouldBeTrue();
    }

    [Theory]
    [InlineData("ftp://llm.example.com/v1")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ws://llm.example.com/v1")]
    [InlineData("javascript:alert(1)")]
    [InlineData("llm.example.com/v1")]
    [InlineData("/v1/chat")]
    [InlineData("")]
    public void TryParse_NotAnAbsoluteHttpOrHttpsUrl_Fails(string value)
    {
        BaseUrls.TryParse(value, out var url, out var problem).ShouldBeFalse();

        url.ShouldBeNull();
        problem.ShouldBe("'baseUrl' must be an absolute http or https URL.");
    }

    [Theory]
    [InlineData("https://user:secret@llm.example.com/v1")]
    [InlineData("https://user@llm.example.com/v1")]
    public void TryParse_WithUserInformation_Fails(string value)
    {
        BaseUrls.TryParse(value, out var url, out var problem).ShouldBeFalse();

        url.ShouldBeNull();
        problem.ShouldBe("'baseUrl' must not contain user information.");
    }

    [Fact]
    public void TryParse_WithUserInformation_DoesNotEchoThePassword()
    {
        BaseUrls.TryParse("https://user:hunter2@llm.example.com/v1", out _, out var problem).ShouldBeFalse();

        problem.ShouldNotBeNull().ShouldNotContain("hunter2");
    }

    [Theory]
    [InlineData("https://llm.example.com/v1#section")]
    [InlineData("https://llm.example.com/v1#")]
    public void TryParse_WithAFragment_Fails(string value)
    {
        BaseUrls.TryParse(value, out var url, out var problem).ShouldBeFalse();

        url.ShouldBeNull();
        problem.ShouldBe("'baseUrl' must not contain a fragment.");
    }

    [Theory]
    [InlineData("https://llm.example.com/v1?api-version=2024-01-01", "https://llm.example.com/v1?api-version=2024-01-01")]
    [InlineData("https://llm.example.com/v1/?api-version=2024-01-01", "https://llm.example.com/v1?api-version=2024-01-01")]
    [InlineData("http://llm.example.com:8080/v1/?a=b", "http://llm.example.com:8080/v1?a=b")]
    public void TryParse_WithAQuery_KeepsItAndTrimsTheTrailingSlashOfThePath(string value, string expected)
    {
        BaseUrls.TryParse(value, out var url, out var problem).ShouldBeTrue();

        problem.ShouldBeNull();
        url.ShouldNotBeNull().AbsoluteUri.ShouldBe(expected);
    }

    [Theory]
    [InlineData("https://llm.example.com/v1?api-version=2024-01-01", "https://llm.example.com/v1?api-version=2024-01-01")]
    [InlineData("http://llm.example.com/v1/?a=b", "http://llm.example.com/v1?a=b")]
    public void TryParse_WithAQuery_GivesTheUrlAsSentWithoutAddingTheDefaultPort(string value, string expected)
    {
        // The provider response echoes OriginalString; it should not grow an explicit ':443' or ':80' the client never sent.
        BaseUrls.TryParse(value, out var url, out _).ShouldBeTrue();

        url.ShouldNotBeNull().OriginalString.ShouldBe(expected);
    }

    [Theory]
    [InlineData("https://api.openai.com/v1/ ")]
    [InlineData(" https://api.openai.com/v1/")]
    [InlineData("https://api.openai.com/v1/\t")]
    public void TryParse_WithSurroundingWhitespace_NeverGivesAUrlWithWhitespaceOrATrailingSlash(string value)
    {
        if (BaseUrls.TryParse(value, out var url, out var problem))
        {
            url.ShouldNotBeNull().OriginalString.ShouldBe("https://api.openai.com/v1");
        }
        else
        {
            problem.ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public void Parse_AValidUrl_GivesTheTrimmedUrl() =>
        BaseUrls.Parse("https://api.openai.com/v1/").OriginalString.ShouldBe("https://api.openai.com/v1");

    [Fact]
    public void Parse_AnInvalidUrl_Throws() =>
        Should.Throw<ArgumentException>(() => BaseUrls.Parse("ftp://llm.example.com"));
}
