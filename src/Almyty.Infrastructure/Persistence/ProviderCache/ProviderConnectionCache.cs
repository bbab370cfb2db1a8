using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Almyty.Application.Providers;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Persistence.ProviderCache;

/// <summary>
/// Providers as calls to them need them, kept between requests. It serves only while <see cref="ProviderChangeListener"/>
/// hears PostgreSQL's change notifications: a change anyone makes to a provider's row then removes it here, and while
/// nobody is listening every lookup goes to the database.
/// </summary>
/// <remarks>
/// A lookup that missed reads the row, then adds it. A change heard between the read and the add would leave the
/// old row here, so every removal advances <see cref="Generation"/>, and an add made from a read older than the
/// last removal is dropped.
/// </remarks>
internal sealed class ProviderConnectionCache(IOptions<ProviderCacheOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly TimeSpan _maxAge = TimeSpan.FromSeconds(options.Value.MaxAgeSeconds);
    private readonly int _capacity = options.Value.Capacity;
    private long _generation;
    private volatile bool _serving;

    /// <summary>Whether lookups may be answered from memory: changes are being heard.</summary>
    public bool IsServing => _serving;

    /// <summary>Advances with every removal; read it before reading a row that is then offered to <see cref="Add"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    internal int Count => _entries.Count;

    public bool TryGet(Guid providerId, string organizationId, [NotNullWhen(true)] out ProviderConnection? connection)
    {
        connection = null;
        if (!_serving || !_entries.TryGetValue(providerId, out var entry))
        {
            return false;
        }

        if (timeProvider.GetElapsedTime(entry.AddedAt) >= _maxAge)
        {
            _entries.TryRemove(KeyValuePair.Create(providerId, entry));
            return false;
        }

        // Another organization's id misses, and the database's tenant filter answers it.
        if (!string.Equals(entry.Connection.OrganizationId, organizationId, StringComparison.Ordinal))
        {
            return false;
        }

        connection = entry.Connection;
        return true;
    }

    /// <summary>Keeps a row read after <see cref="Generation"/> was <paramref name="generationBeforeRead"/>, unless it has changed since.</summary>
    public void Add(ProviderConnection connection, long generationBeforeRead)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_serving || Generation != generationBeforeRead)
        {
            return;
        }

        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        var entry = new Entry(connection, timeProvider.GetTimestamp());
        _entries[connection.Id] = entry;
        if (!_serving || Generation != generationBeforeRead)
        {
            // A removal ran between the check above and the write: it may have missed this entry.
            _entries.TryRemove(KeyValuePair.Create(connection.Id, entry));
        }
    }

    public void Forget(Guid providerId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(providerId, out _);
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Changes are heard from now on; whatever was kept from before may have missed some, so it goes.</summary>
    public void StartServing()
    {
        ForgetAll();
        _serving = true;
    }

    /// <summary>Changes may go unheard from now on: every lookup goes to the database until <see cref="StartServing"/>.</summary>
    public void StopServing()
    {
        _serving = false;
        ForgetAll();
    }

    private sealed record Entry(ProviderConnection Connection, long AddedAt);
}
