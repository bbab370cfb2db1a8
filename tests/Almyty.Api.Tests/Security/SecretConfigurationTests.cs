using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Security;

/// <summary>
/// Production refuses to start without a usable key-encryption key, says which setting to fix, and touches nothing
/// first. Run as a real process: the API reports a bad configuration on standard error and exits, which an
/// in-process host does not surface.
/// </summary>
public sealed class SecretConfigurationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Without_any_secret_key_the_api_refuses_to_start_names_Secrets__Keys_and_leaves_the_database_alone()
    {
        await using var database = await TestDatabase.CreateAsync();
        var environment = Settings(database.ConnectionString);
        environment["Secrets__ActiveKeyId"] = "test-1";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldNotBe(0, run.StandardError);
        run.StandardError.ShouldContain("Secrets__Keys");
        run.StandardError.ShouldNotContain("Auth__Jwt__SigningKey");
        run.StandardError.ShouldNotContain("ConnectionStrings__Almyty");
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).ShouldBe(0);
    }

    [Fact]
    public async Task An_active_key_id_that_names_no_configured_key_stops_the_start_and_names_it()
    {
        var environment = Settings();
        environment["Secrets__Keys__test-1"] = ApiFactory.NewKey();
        environment["Secrets__ActiveKeyId"] = "missing-key";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldNotBe(0, run.StandardError);
        run.StandardError.ShouldContain("Secrets__ActiveKeyId");
        run.StandardError.ShouldContain("missing-key");
    }

    [Fact]
    public async Task A_key_that_is_not_32_bytes_of_base64_stops_the_start_names_it_and_does_not_print_it()
    {
        var shortKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var environment = Settings();
        environment["Secrets__Keys__test-1"] = shortKey;
        environment["Secrets__ActiveKeyId"] = "test-1";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldNotBe(0, run.StandardError);
        run.StandardError.ShouldContain("Secrets__Keys__test-1");
        run.StandardError.ShouldNotContain(shortKey);
        run.StandardOutput.ShouldNotContain(shortKey);
    }

    [Fact]
    public async Task A_refused_start_explains_itself_without_a_stack_trace()
    {
        var environment = Settings();
        environment["Secrets__ActiveKeyId"] = "test-1";

        var run = await ApiProcess.RunAsync(environment, Timeout);

        run.ExitCode.ShouldNotBe(0, run.StandardError);
        run.StandardError.ShouldNotContain("   at ");
        run.StandardError.ShouldNotContain("Exception");
    }

    /// <summary>Everything but the secret keys is valid; the database name exists nowhere unless one is given.</summary>
    private static Dictionary<string, string> Settings(string? connectionString = null) => new()
    {
        ["Auth__Jwt__SigningKey"] = ApiFactory.SigningKey,
        ["ConnectionStrings__Almyty"] = connectionString ?? "Host=127.0.0.1;Port=1;Database=almyty_never_reached;Username=nobody;Timeout=2",
    };
}
