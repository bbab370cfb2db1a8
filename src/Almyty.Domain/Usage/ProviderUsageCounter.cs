namespace Almyty.Domain.Usage;

/// <summary>
/// One shard of a provider's running totals. Each upstream call adds to one shard picked at random, so a thousand
/// concurrent chats on one provider spread over many rows instead of queueing on one; the totals are the shards' sum.
/// </summary>
public sealed class ProviderUsageCounter
{
    public const int ShardCount = 16;

#pragma warning disable CS8618 // Used by EF Core only.
    private ProviderUsageCounter()
    {
    }
#pragma warning restore CS8618

    public Guid ProviderId { get; private set; }
    public string OrganizationId { get; private set; }
    public short Shard { get; private set; }
    public long TotalRequests { get; private set; }
    public long TotalTokens { get; private set; }
    public decimal TotalCost { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }
}
