using Almyty.Infrastructure.Persistence;
using Npgsql;

namespace Almyty.Infrastructure.Tests.Persistence;

public sealed class ConnectionStringDefaultsTests
{
    private const string Plain = "Host=db;Database=almyty;Username=almyty;Password=pw";

    [Fact]
    public void A_connection_string_without_pool_settings_gets_a_pool_sized_to_the_machine()
    {
        var settings = new NpgsqlConnectionStringBuilder(PersistenceSetup.WithPerformanceDefaults(Plain));

        settings.MaxPoolSize.ShouldBe(Math.Max(4, 2 * Environment.ProcessorCount));
        settings.MaxAutoPrepare.ShouldBe(64);
        settings.AutoPrepareMinUsages.ShouldBe(2);
        settings.NoResetOnClose.ShouldBeTrue();
        settings.Host.ShouldBe("db");
        settings.Password.ShouldBe("pw");
    }

    [Theory]
    [InlineData("Maximum Pool Size=37")]
    [InlineData("maximum pool size=37")]
    [InlineData("MaxPoolSize=37")]
    public void The_operators_own_pool_size_wins_however_it_is_spelled(string setting)
    {
        var settings = new NpgsqlConnectionStringBuilder(PersistenceSetup.WithPerformanceDefaults($"{Plain};{setting}"));

        settings.MaxPoolSize.ShouldBe(37);
    }

    [Fact]
    public void A_minimum_pool_size_above_the_default_maximum_raises_the_maximum_to_it()
    {
        var minimum = PersistenceSetup.DefaultMaxPoolSize + 5;

        var settings = new NpgsqlConnectionStringBuilder(PersistenceSetup.WithPerformanceDefaults($"{Plain};Minimum Pool Size={minimum}"));

        settings.MinPoolSize.ShouldBe(minimum);
        settings.MaxPoolSize.ShouldBe(minimum);
    }

    [Fact]
    public void The_operators_own_statement_settings_win()
    {
        var settings = new NpgsqlConnectionStringBuilder(PersistenceSetup.WithPerformanceDefaults($"{Plain};Max Auto Prepare=0;No Reset On Close=false"));

        settings.MaxAutoPrepare.ShouldBe(0);
        settings.NoResetOnClose.ShouldBeFalse();
    }
}
