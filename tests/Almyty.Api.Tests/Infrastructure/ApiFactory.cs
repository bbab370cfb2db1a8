using System.Net.Http.Headers;
using System.Security.Cryptography;
using Almyty.Api.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Testing;

namespace Almyty.Api.Tests.Infrastructure;

/// <summary>The API in-process against its own real PostgreSQL database, with every log line captured.</summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-that-is-at-least-32-bytes-long!";

    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The factory has not been initialized.");

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>The key-encryption keys this factory's API uses: id to base64.</summary>
    public Dictionary<string, string> SecretKeys { get; } = new() { ["test-1"] = NewKey() };

    public string ActiveKeyId { get; set; } = "test-1";

    /// <summary>Extra settings a test class needs (egress allowances, limits), applied over the defaults.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _ = Services; // starts the host, which applies the migrations
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public HttpClient ClientFor(string organizationId, string role, string? subject = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(organizationId, role, subject));
        return client;
    }

    public string TokenFor(string organizationId, string role, string? subject = null, TimeSpan? lifetime = null) =>
        Services.GetRequiredService<TokenIssuer>().Issue(organizationId, role, subject ?? $"user-of-{organizationId}", lifetime ?? TimeSpan.FromHours(1));

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Almyty", Database.ConnectionString);
        builder.UseSetting("Auth:Jwt:SigningKey", SigningKey);
        builder.UseSetting("Secrets:ActiveKeyId", ActiveKeyId);
        foreach (var (id, key) in SecretKeys)
        {
            builder.UseSetting($"Secrets:Keys:{id}", key);
        }

        foreach (var (name, value) in Settings)
        {
            builder.UseSetting(name, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
            services.AddFakeLogging();
            if (Environment.GetEnvironmentVariable("ALMYTY_TEST_CONSOLE_LOGS") != "1")
            {
                RemoveConsoleLogging(services);
            }
        });
    }

    /// <summary>
    /// The captured logs stay; the console copy goes, as it slows every test and buries a failure's report under
    /// trace lines (ALMYTY_TEST_CONSOLE_LOGS=1 keeps it, to diagnose a failure).
    /// </summary>
    private static void RemoveConsoleLogging(IServiceCollection services)
    {
        foreach (var console in services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
        {
            services.Remove(console);
        }
    }
}
