using Almyty.Application.Providers.ListProviders;

namespace Almyty.Application.Tests.Providers;

public sealed class ListProvidersQueryValidatorTests
{
    private static readonly ListProvidersQuery Defaults = new();

    private readonly ListProvidersQueryValidator _validator = new();

    [Fact]
    public void TheDefaults_AreValid() => _validator.ShouldBeValid(Defaults);

    [Fact]
    public void TheDefaults_AreTheContractDefaults()
    {
        Defaults.Page.ShouldBe(1);
        Defaults.Limit.ShouldBe(20);
        Defaults.SortBy.ShouldBe("createdAt");
        Defaults.SortOrder.ShouldBe("desc");
        Defaults.Provider.ShouldBeNull();
        Defaults.Status.ShouldBeNull();
        Defaults.Search.ShouldBeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public void Page_OfOneOrMore_IsValid(int page) => _validator.ShouldBeValid(Defaults with { Page = page });

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Page_BelowOne_FailsOnPage(int page) => _validator.ShouldFailOnlyOn(Defaults with { Page = page }, "page");

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(100)]
    public void Limit_FromOneTo100_IsValid(int limit) => _validator.ShouldBeValid(Defaults with { Limit = limit });

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(101)]
    public void Limit_OutsideOneTo100_FailsOnLimitWithoutClamping(int limit) =>
        _validator.ShouldFailOnlyOn(Defaults with { Limit = limit }, "limit").ShouldContain("between 1 and 100");

    [Theory]
    [InlineData(null)]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("custom")]
    public void Provider_AbsentOrAContractName_IsValid(string? provider) => _validator.ShouldBeValid(Defaults with { Provider = provider });

    [Theory]
    [InlineData("")]
    [InlineData("OpenAI")]
    [InlineData("mistral")]
    public void Provider_AnythingElse_FailsOnProvider(string provider) =>
        _validator.ShouldFailOnlyOn(Defaults with { Provider = provider }, "provider");

    [Theory]
    [InlineData(null)]
    [InlineData("active")]
    [InlineData("inactive")]
    [InlineData("error")]
    public void Status_AbsentOrAnyStatus_IsValid(string? status) => _validator.ShouldBeValid(Defaults with { Status = status });

    [Theory]
    [InlineData("")]
    [InlineData("ACTIVE")]
    [InlineData("deleted")]
    public void Status_AnythingElse_FailsOnStatus(string status) =>
        _validator.ShouldFailOnlyOn(Defaults with { Status = status }, "status");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("prod")]
    public void Search_AbsentOrShort_IsValid(string? search) => _validator.ShouldBeValid(Defaults with { Search = search });

    [Fact]
    public void Search_Of100Characters_IsValid() => _validator.ShouldBeValid(Defaults with { Search = new string('s', 100) });

    [Fact]
    public void Search_Of101Characters_FailsOnSearch() =>
        _validator.ShouldFailOnlyOn(Defaults with { Search = new string('s', 101) }, "search");

    [Fact]
    public void Search_WithANulCharacter_FailsOnSearch() =>
        _validator.ShouldFailOnlyOn(Defaults with { Search = "a\0b" }, "search").ShouldBe("'search' must not contain the NUL character (U+0000).");

    [Theory]
    [InlineData("createdAt")]
    [InlineData("name")]
    [InlineData("totalCost")]
    [InlineData("lastUsedAt")]
    public void SortBy_EachContractField_IsValid(string sortBy) => _validator.ShouldBeValid(Defaults with { SortBy = sortBy });

    [Theory]
    [InlineData("")]
    [InlineData("CreatedAt")]
    [InlineData("updatedAt")]
    [InlineData("id")]
    public void SortBy_AnythingElse_FailsOnSortBy(string sortBy) =>
        _validator.ShouldFailOnlyOn(Defaults with { SortBy = sortBy }, "sortBy");

    [Theory]
    [InlineData("asc")]
    [InlineData("desc")]
    public void SortOrder_AscOrDesc_IsValid(string sortOrder) => _validator.ShouldBeValid(Defaults with { SortOrder = sortOrder });

    [Theory]
    [InlineData("")]
    [InlineData("ASC")]
    [InlineData("ascending")]
    public void SortOrder_AnythingElse_FailsOnSortOrder(string sortOrder) =>
        _validator.ShouldFailOnlyOn(Defaults with { SortOrder = sortOrder }, "sortOrder");

    [Fact]
    public void EveryParameterOutOfRange_IsReportedByItsQueryName()
    {
        var errors = _validator.Errors(new ListProvidersQuery(0, 0, "x", "x", new string('s', 101), "x", "x"));

        errors.Select(e => e.Field).ShouldBe(["page", "limit", "provider", "status", "search", "sortBy", "sortOrder"], ignoreOrder: true);
    }
}
