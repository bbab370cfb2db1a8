using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Almyty.Infrastructure.Persistence.ProviderCache;

/// <summary>
/// Listens on its own connection for the notification PostgreSQL sends when a provider's row is updated, deleted or
/// truncated (a trigger, migration ProviderChangeNotifications), from whichever instance or tool made the change, and
/// removes that provider from <see cref="ProviderConnectionCache"/>. The cache serves only while this connection is
/// up; when it drops, the cache empties and stops serving until the connection is back.
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

    /// <summary>A quiet connection is pinged this often, so one that died without a word is noticed.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
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
            var heard = false;
            try
            {
                await ListenAsync(() => heard = true, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Never fatal: without the listener the service still works, reading every provider from PostgreSQL.
                retryDelay = heard ? FirstRetryDelay : retryDelay;
                LogListenerLost(logger, exception.GetType().Name, retryDelay.TotalSeconds);
            }
            finally
            {
                cache.StopServing();
            }

            await Task.Delay(retryDelay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, LastRetryDelay.Ticks));
        }
    }

    private async Task ListenAsync(Action listening, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database.Value.ConnectionString ?? string.Empty));
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, notification) => OnChange(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        cache.StartServing();
        listening();
        LogListening(logger);
        while (true)
        {
            if (!await connection.WaitAsync(Heartbeat, stoppingToken))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteNonQueryAsync(stoppingToken);
            }
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
    /// Its own connection, outside the request pool: it is held for as long as the process runs. A ping that gets no
    /// answer within the command timeout ends it, and the loop connects again.
    /// </summary>
    internal static string ConnectionString(string configured) =>
        new NpgsqlConnectionStringBuilder(configured)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            CommandTimeout = 10,
        }.ConnectionString;

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for provider changes: providers are cached between calls")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection that hears provider changes ({Reason}): providers are read from PostgreSQL on every call until it is back; next attempt in {DelaySeconds} s")]
    private static partial void LogListenerLost(ILogger logger, string reason, double delaySeconds);
}
