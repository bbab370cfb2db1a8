using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Almyty.Infrastructure.Persistence.ProviderCache;

/// <summary>
/// Listens on its own connection for the notification PostgreSQL sends when a provider's row is updated, deleted or
/// truncated (triggers of migration ProviderChangeNotifications), from whichever instance or tool made the change, and
/// removes that provider from <see cref="ProviderConnectionCache"/>. The cache serves only while this connection is up
/// and the triggers are there and enabled: checked before serving and on every heartbeat. Otherwise the cache is empty
/// and every lookup reads PostgreSQL until both hold again.
/// </summary>
internal sealed partial class ProviderChangeListener(
    ProviderConnectionCache cache,
    IOptions<ProviderCacheOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider timeProvider,
    ILogger<ProviderChangeListener> logger) : BackgroundService
{
    internal const string Channel = "almyty_provider_changed";
    internal const string ApplicationName = "almyty-provider-changes";

    private const string EnabledTriggers =
        """
        SELECT count(*) FROM pg_trigger
        WHERE tgrelid = to_regclass('llm_providers') AND tgname IN ('llm_providers_changed', 'llm_providers_truncated') AND tgenabled <> 'D'
        """;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var retryDelay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var served = false;
            try
            {
                await ListenAsync(() => served = true, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Never fatal: without the listener the service still works, reading every provider from PostgreSQL.
                retryDelay = served ? FirstRetryDelay : retryDelay;
                LogNotServing(logger, exception, retryDelay.TotalSeconds);
            }
            finally
            {
                cache.StopServing();
            }

            await Task.Delay(retryDelay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, LastRetryDelay.Ticks));
        }
    }

    private async Task ListenAsync(Action serving, CancellationToken stoppingToken)
    {
        var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        await using var connection = new NpgsqlConnection(ConnectionString(database.Value.ConnectionString ?? string.Empty, heartbeat));
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, notification) => OnChange(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Checked after LISTEN: a trigger enabled from now on notifies a connection that already listens.
        await EnsureTriggersAsync(connection, stoppingToken);
        cache.StartServing();
        serving();
        LogServing(logger);
        while (true)
        {
            if (!await connection.WaitAsync(heartbeat, stoppingToken))
            {
                // Quiet for a heartbeat: the connection must still answer, and the triggers must still be there.
                await EnsureTriggersAsync(connection, stoppingToken);
            }
        }
    }

    private static async Task EnsureTriggersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(EnabledTriggers, connection);
        if ((long)(await command.ExecuteScalarAsync(cancellationToken))! != 2)
        {
            throw new InvalidOperationException(
                "The triggers that notify provider changes (llm_providers_changed, llm_providers_truncated) are missing or disabled: run the migrations, or enable them.");
        }
    }

    /// <summary>A provider's id, or an empty payload when the whole table was truncated.</summary>
    private void OnChange(string payload)
    {
        if (Guid.TryParse(payload, out var providerId))
        {
            cache.Forget(providerId);
        }
        else
        {
            cache.ForgetAll();
        }
    }

    /// <summary>
    /// Its own connection, outside the request pool: it is held for as long as the process runs. A heartbeat that gets
    /// no answer within a heartbeat's time ends it at once (no wait for a cancellation), and the loop connects again.
    /// </summary>
    internal static string ConnectionString(string configured, TimeSpan heartbeat) =>
        new NpgsqlConnectionStringBuilder(configured)
        {
            Pooling = false,
            Multiplexing = false,
            ApplicationName = ApplicationName,
            CommandTimeout = (int)Math.Ceiling(heartbeat.TotalSeconds),
            CancellationTimeout = -1,
        }.ConnectionString;

    [LoggerMessage(Level = LogLevel.Information, Message = "Hearing provider changes: providers are cached between calls")]
    private static partial void LogServing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider changes cannot be heard: providers are read from PostgreSQL on every call until they can; next attempt in {DelaySeconds} s")]
    private static partial void LogNotServing(ILogger logger, Exception exception, double delaySeconds);
}
