using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class LlmProviderStatusTests
{
    private static readonly DateTimeOffset Later = ProviderFixtures.Now.AddMinutes(5);

    [Fact]
    public void RecordTest_AFailure_PutsTheProviderInErrorWithTheMessage()
    {
        var provider = ProviderFixtures.Create();

        provider.RecordTest(succeeded: false, "AUTH_FAILED: invalid key", Later.AddTicks(7));

        provider.Status.ShouldBe(ProviderStatus.Error);
        provider.LastError.ShouldBe("AUTH_FAILED: invalid key");
        provider.LastTestedAt.ShouldBe(Later);
    }

    [Fact]
    public void RecordTest_ASuccessAfterAFailure_MakesTheProviderActiveAndClearsTheError()
    {
        var provider = ProviderFixtures.Create();
        provider.RecordTest(succeeded: false, "TIMEOUT", Later);

        provider.RecordTest(succeeded: true, error: null, Later.AddMinutes(1));

        provider.Status.ShouldBe(ProviderStatus.Active);
        provider.LastError.ShouldBeNull();
        provider.LastTestedAt.ShouldBe(Later.AddMinutes(1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RecordTest_OfAnInactiveProvider_KeepsItInactive(bool succeeded)
    {
        var provider = ProviderFixtures.Create();
        provider.Update(new ProviderUpdate { Status = ProviderStatus.Inactive }, Later).IsSuccess.ShouldBeTrue();

        provider.RecordTest(succeeded, succeeded ? null : "UPSTREAM_ERROR", Later.AddMinutes(1));

        provider.Status.ShouldBe(ProviderStatus.Inactive);
        provider.LastTestedAt.ShouldBe(Later.AddMinutes(1));
    }

    [Fact]
    public void RecordTest_KeepsAtMost500CharactersOfTheError()
    {
        var provider = ProviderFixtures.Create();

        provider.RecordTest(succeeded: false, new string('e', 2_000), Later);

        provider.LastError.ShouldNotBeNull().Length.ShouldBe(ProviderRules.LastErrorMaxLength);
        ProviderRules.LastErrorMaxLength.ShouldBe(500);
    }

    [Fact]
    public void Update_StatusBackToActiveAfterAFailedTest_ClearsTheError()
    {
        var provider = ProviderFixtures.Create();
        provider.RecordTest(succeeded: false, "AUTH_FAILED", Later);

        provider.Update(new ProviderUpdate { Status = ProviderStatus.Active }, Later.AddMinutes(1)).IsSuccess.ShouldBeTrue();

        provider.Status.ShouldBe(ProviderStatus.Active);
        provider.LastError.ShouldBeNull();
    }

    [Fact]
    public void Update_StatusToInactiveAfterAFailedTest_KeepsTheLastError()
    {
        var provider = ProviderFixtures.Create();
        provider.RecordTest(succeeded: false, "AUTH_FAILED", Later);

        provider.Update(new ProviderUpdate { Status = ProviderStatus.Inactive }, Later.AddMinutes(1)).IsSuccess.ShouldBeTrue();

        provider.Status.ShouldBe(ProviderStatus.Inactive);
        provider.LastError.ShouldBe("AUTH_FAILED");
    }

    [Fact]
    public void Update_WithoutStatus_DoesNotClearAnError()
    {
        var provider = ProviderFixtures.Create();
        provider.RecordTest(succeeded: false, "AUTH_FAILED", Later);

        provider.Update(new ProviderUpdate { Name = "Renamed" }, Later.AddMinutes(1)).IsSuccess.ShouldBeTrue();

        provider.Status.ShouldBe(ProviderStatus.Error);
        provider.LastError.ShouldBe("AUTH_FAILED");
    }
}
