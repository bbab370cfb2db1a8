namespace Almyty.Infrastructure.Persistence.ProviderCache;

/// <summary>The providers kept in memory for calls to them (docs/adr/0014-provider-connection-cache.md).</summary>
public sealed class ProviderCacheOptions
{
    public const string SectionName = "ProviderCache";

    /// <summary><c>ProviderCache__Enabled</c> (default true): false looks every provider up in PostgreSQL on every call.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>ProviderCache__MaxAgeSeconds</c> (default 60): a provider is read again after this long even when no change
    /// was heard, a bound on staleness should a notification ever be lost.
    /// </summary>
    public int MaxAgeSeconds { get; set; } = 60;

    /// <summary>
    /// <c>ProviderCache__HeartbeatSeconds</c> (default 5): after this long without a notification the listening
    /// connection must answer, and the triggers be in place, within as long again; otherwise the cache stops serving.
    /// </summary>
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary><c>ProviderCache__Capacity</c> (default 10000): at this many providers the cache starts over empty.</summary>
    public int Capacity { get; set; } = 10_000;
}
