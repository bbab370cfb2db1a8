using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class ProviderStatusesTests
{
    [Theory]
    [InlineData("active", ProviderStatus.Active)]
    [InlineData("inactive", ProviderStatus.Inactive)]
    [InlineData("error", ProviderStatus.Error)]
    public void TryParse_AWireName_GivesItsStatus(string wire, ProviderStatus expected)
    {
        ProviderStatuses.TryParse(wire, out var status).ShouldBeTrue();
        status.ShouldBe(expected);
        ProviderStatuses.Parse(wire).ShouldBe(expected);
    }

    [Theory]
    [InlineData(ProviderStatus.Active, "active")]
    [InlineData(ProviderStatus.Inactive, "inactive")]
    [InlineData(ProviderStatus.Error, "error")]
    public void ToWire_GivesTheContractName(ProviderStatus status, string expected) => status.ToWire().ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Active")]
    [InlineData("disabled")]
    [InlineData(" active")]
    public void TryParse_AnythingElse_Fails(string? wire) => ProviderStatuses.TryParse(wire, out _).ShouldBeFalse();

    [Fact]
    public void Parse_AnUnknownName_Throws() => Should.Throw<ArgumentException>(() => ProviderStatuses.Parse("disabled"));

    [Fact]
    public void ToWire_AnUndefinedStatus_Throws() => Should.Throw<ArgumentOutOfRangeException>(() => ((ProviderStatus)42).ToWire());

    [Fact]
    public void All_ListsEveryStatus() => ProviderStatuses.All.ShouldBe(["active", "inactive", "error"]);

    [Fact]
    public void ClientSettable_IsActiveAndInactiveButNeverError()
    {
        ProviderStatuses.ClientSettable.ShouldBe(["active", "inactive"]);
        ProviderStatuses.ClientSettable.ShouldNotContain(ProviderStatuses.Error);
    }

    [Fact]
    public void ANewProviderIsActiveByDefault() => ProviderFixtures.Create().Status.ShouldBe(ProviderStatus.Active);
}
