using System.Net;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Api.Tests.Security;

namespace Almyty.Api.Tests.Platform;

/// <summary>
/// A bad configuration stops the real process with exit code 1 and one plain list of every setting to fix, however
/// many setting groups fail at once, before anything touches the database. <c>Chat__*</c> settings are among them.
/// </summary>
public sealed class StartupSettingsTests
{
    private const string Heading = "Almyty cannot start; fix these settings:";
    private const string FailureBullet = "  - ";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Without_a_connection_string_a_signing_key_or_secret_keys_the_api_exits_1_listing_all_three()
    {
        var run = await ApiProcess.RunAsync(new Dictionary<string, string>(), Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        run.StandardError.ShouldContain("ConnectionStrings__Almyty");
        run.StandardError.ShouldContain("Auth__Jwt__SigningKey");
        run.StandardError.ShouldContain("Secrets__Keys");
        FailuresIn(run).Count.ShouldBeGreaterThanOrEqualTo(3, run.StandardError);
    }

    [Fact]
    public async Task Several_failing_setting_groups_are_reported_without_a_stack_trace_or_an_exception_name()
    {
        var run = await ApiProcess.RunAsync(new Dictionary<string, string>(), Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        run.StandardError.ShouldNotContain("   at ", Case.Sensitive);
        run.StandardError.ShouldNotContain("Unhandled", Case.Insensitive);
        run.StandardOutput.ShouldNotContain("Exception", Case.Sensitive);
    }

    [Fact]
    public async Task Every_failure_of_every_group_gets_its_own_line_under_the_heading()
    {
        var environment = ValidSettings();
        environment.Remove("Auth__Jwt__SigningKey");
        environment["Chat__DefaultTimeoutSeconds"] = "0";
        environment["Chat__TestMaxTokens"] = "65";
        environment["Gateways__MaxRetryAttempts"] = "11";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        var failures = FailuresIn(run);
        failures.Count.ShouldBe(4, run.StandardError);
        failures.ShouldContain(f => f.Contains("Auth__Jwt__SigningKey", StringComparison.Ordinal), run.StandardError);
        failures.ShouldContain(f => f.Contains("Chat__DefaultTimeoutSeconds", StringComparison.Ordinal), run.StandardError);
        failures.ShouldContain(f => f.Contains("Chat__TestMaxTokens", StringComparison.Ordinal), run.StandardError);
        failures.ShouldContain(f => f.Contains("Gateways__MaxRetryAttempts", StringComparison.Ordinal), run.StandardError);
    }

    [Fact]
    public async Task Chat_and_gateway_settings_failing_together_stop_the_start_before_the_database_is_migrated()
    {
        await using var database = await TestDatabase.CreateAsync();
        var environment = ValidSettings(database.ConnectionString);
        environment["Chat__DefaultTimeoutSeconds"] = "0";
        environment["Gateways__MaxRetryAfterSeconds"] = "601";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        run.StandardError.ShouldContain("Chat__DefaultTimeoutSeconds");
        run.StandardError.ShouldContain("Gateways__MaxRetryAfterSeconds");
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).ShouldBe(0, "nothing is migrated before the settings are fixed");
    }

    [Fact]
    public async Task A_zero_Chat__DefaultTimeoutSeconds_alone_exits_1_naming_it_and_leaves_the_database_alone()
    {
        await using var database = await TestDatabase.CreateAsync();
        var environment = ValidSettings(database.ConnectionString);
        environment["Chat__DefaultTimeoutSeconds"] = "0";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        FailuresIn(run).ShouldHaveSingleItem(run.StandardError).ShouldContain("Chat__DefaultTimeoutSeconds");
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("HistoryMaxTurns", "-1")]
    [InlineData("HistoryMaxTurns", "10001")]
    [InlineData("HistoryMaxCharacters", "-1")]
    [InlineData("HistoryMaxCharacters", "10000001")]
    [InlineData("DefaultTimeoutSeconds", "601")]
    [InlineData("DefaultTemperature", "1.5")]
    [InlineData("DefaultTemperature", "-0.1")]
    [InlineData("DefaultMaxTokens", "0")]
    [InlineData("DefaultMaxTokens", "1000001")]
    [InlineData("DefaultTopP", "1.01")]
    [InlineData("DefaultTopP", "-0.5")]
    [InlineData("TestMaxTokens", "0")]
    [InlineData("TestMaxTokens", "65")]
    public async Task A_chat_setting_out_of_range_exits_1_naming_only_that_setting(string setting, string value)
    {
        var environment = ValidSettings();
        environment[$"Chat__{setting}"] = value;

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        FailuresIn(run).ShouldHaveSingleItem(run.StandardError).ShouldContain($"Chat__{setting}");
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
    }

    [Theory]
    [InlineData("RateLimiting__PermitsPerWindow", "-1")]
    [InlineData("RateLimiting__WindowSeconds", "0")]
    [InlineData("RateLimiting__WindowSeconds", "86401")]
    [InlineData("ProviderCache__MaxAgeSeconds", "0")]
    [InlineData("ProviderCache__MaxAgeSeconds", "86401")]
    [InlineData("ProviderCache__Capacity", "0")]
    [InlineData("ProviderCache__Capacity", "1000001")]
    [InlineData("ProviderCache__HeartbeatSeconds", "0")]
    [InlineData("ProviderCache__HeartbeatSeconds", "301")]
    [InlineData("Gateways__ConnectTimeoutSeconds", "0")]
    [InlineData("Gateways__ConnectTimeoutSeconds", "121")]
    public async Task A_rate_limit_provider_cache_or_connect_timeout_setting_out_of_range_exits_1_naming_it(string setting, string value)
    {
        var environment = ValidSettings();
        environment[setting] = value;

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        FailuresIn(run).ShouldHaveSingleItem(run.StandardError).ShouldContain(setting);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
    }

    [Theory]
    [InlineData("Chat__DefaultTimeoutSeconds", "abc")]
    [InlineData("Gateways__MaxRetryAttempts", "two")]
    [InlineData("Gateways__CircuitFailureRatio", "half")]
    public async Task A_setting_that_is_not_a_number_exits_1_naming_it_without_a_stack_trace_or_its_value(string setting, string value)
    {
        var environment = ValidSettings();
        environment[setting] = value;

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        FailuresIn(run).ShouldHaveSingleItem(run.StandardError).ShouldContain(setting);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        run.StandardError.ShouldNotContain($"'{value}'");
    }

    [Theory]
    [InlineData("Usage__SynchronousCommit", "maybe", "Usage__SynchronousCommit must be true or false.")]
    [InlineData("Egress__AllowPrivateNetworks", "yes", "Egress__AllowPrivateNetworks must be true or false.")]
    public async Task An_unparsable_setting_read_only_by_later_calls_stops_the_start_naming_it_before_the_database_is_migrated(string setting, string value, string failure)
    {
        await using var database = await TestDatabase.CreateAsync();
        var environment = ValidSettings(database.ConnectionString);
        environment[setting] = value;

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        FailuresIn(run).ShouldHaveSingleItem(run.StandardError).ShouldBe(failure);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        run.StandardError.ShouldNotContain($"'{value}'");
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).ShouldBe(0, "nothing is migrated before the settings are fixed");
    }

    [Fact]
    public async Task Unparsable_values_of_seven_groups_are_all_listed_together()
    {
        var environment = ValidSettings();
        environment["Chat__DefaultTimeoutSeconds"] = "abc";
        environment["Usage__SynchronousCommit"] = "maybe";
        environment["Egress__AllowPrivateNetworks"] = "maybe";
        environment["ProviderCache__Capacity"] = "lots";
        environment["RateLimiting__WindowSeconds"] = "a-minute";
        environment["Gateways__MaxRetryAttempts"] = "two";
        environment["Database__MigrateOnStart"] = "maybe";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        FailuresIn(run).ShouldBe(
            [
                "Chat__DefaultTimeoutSeconds must be a whole number.",
                "Usage__SynchronousCommit must be true or false.",
                "Egress__AllowPrivateNetworks must be true or false.",
                "ProviderCache__Capacity must be a whole number.",
                "RateLimiting__WindowSeconds must be a whole number.",
                "Gateways__MaxRetryAttempts must be a whole number.",
                "Database__MigrateOnStart must be true or false.",
            ],
            ignoreOrder: true,
            run.StandardError);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
    }

    [Fact]
    public async Task An_unparsable_value_is_listed_with_a_range_failure_of_its_group_and_a_required_failure_of_another()
    {
        await using var database = await TestDatabase.CreateAsync();
        var environment = ValidSettings(database.ConnectionString);
        environment["Chat__DefaultTimeoutSeconds"] = "abc";
        environment["Chat__DefaultMaxTokens"] = "0";
        environment["Secrets__ActiveKeyId"] = "nokey";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain(Heading);
        FailuresIn(run).ShouldBe(
            [
                "Chat__DefaultTimeoutSeconds must be a whole number.",
                "Chat__DefaultMaxTokens must be between 1 and 1000000.",
                "Secrets__ActiveKeyId is 'nokey', but no Secrets__Keys__nokey is configured.",
            ],
            ignoreOrder: true,
            run.StandardError);
        run.StandardError.ShouldNotContain("Exception", Case.Sensitive);
        run.StandardError.ShouldNotContain("'abc'");
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).ShouldBe(0, "nothing is migrated before the settings are fixed");
    }

    [Fact]
    public async Task Two_unparsable_values_of_one_group_are_both_listed()
    {
        var environment = ValidSettings();
        environment["Gateways__MaxRetryAttempts"] = "two";
        environment["Gateways__CircuitFailureRatio"] = "half";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldBe(1, run.StandardError);
        FailuresIn(run).ShouldBe(
            ["Gateways__MaxRetryAttempts must be a whole number.", "Gateways__CircuitFailureRatio must be a number."],
            ignoreOrder: true,
            run.StandardError);
    }

    /// <summary>The lines of the failure list, without their bullets.</summary>
    private static List<string> FailuresIn(ProcessRun run) =>
        run.StandardError.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .SkipWhile(line => !line.Contains(Heading, StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => line.StartsWith(FailureBullet, StringComparison.Ordinal))
            .Select(line => line[FailureBullet.Length..])
            .ToList();

    /// <summary>Every required setting valid; the database is one that is never reached unless one is given.</summary>
    private static Dictionary<string, string> ValidSettings(string? connectionString = null) => new()
    {
        ["Auth__Jwt__SigningKey"] = ApiFactory.SigningKey,
        ["Secrets__Keys__test-1"] = ApiFactory.NewKey(),
        ["Secrets__ActiveKeyId"] = "test-1",
        ["ConnectionStrings__Almyty"] = connectionString ?? "Host=127.0.0.1;Port=1;Database=almyty_never_reached;Username=nobody;Timeout=2",
    };
}

/// <summary>Every <c>Chat</c> setting at the edge of its allowed range.</summary>
public sealed class ChatSettingsAtTheirLimitsApiFactory : ApiFactory
{
    public ChatSettingsAtTheirLimitsApiFactory()
    {
        Settings["Chat:HistoryMaxTurns"] = "0";
        Settings["Chat:HistoryMaxCharacters"] = "10000000";
        Settings["Chat:DefaultTimeoutSeconds"] = "600";
        Settings["Chat:DefaultTemperature"] = "1";
        Settings["Chat:DefaultMaxTokens"] = "1";
        Settings["Chat:DefaultTopP"] = "0";
        Settings["Chat:TestMaxTokens"] = "64";
    }
}

/// <summary>The start-up check is not stricter than documented: values at the limits start and serve.</summary>
public sealed class ChatSettingsAtTheirLimitsTests(ChatSettingsAtTheirLimitsApiFactory factory) : IClassFixture<ChatSettingsAtTheirLimitsApiFactory>
{
    [Fact]
    public async Task Chat_settings_at_the_edges_of_their_ranges_start_the_api()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
