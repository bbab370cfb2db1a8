namespace Almyty.Domain.Usage;

/// <summary>One upstream call, kept even after its provider is deleted: the organization's usage history is append-only.</summary>
public sealed class UsageRecord
{
#pragma warning disable CS8618 // Used by EF Core only.
    private UsageRecord()
    {
    }
#pragma warning restore CS8618

    public Guid Id { get; private set; }
    public string OrganizationId { get; private set; }
    public Guid ProviderId { get; private set; }
    public Guid? SessionId { get; private set; }
    public string Model { get; private set; }

    /// <summary>Null when the provider did not report usage.</summary>
    public int? InputTokens { get; private set; }

    public int? OutputTokens { get; private set; }
    public decimal Cost { get; private set; }
    public bool Priced { get; private set; }

    /// <summary><c>success</c>, or the error code the call ended with.</summary>
    public string Outcome { get; private set; }

    public int DurationMs { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public long TotalTokens => (InputTokens ?? 0) + (OutputTokens ?? 0);

    public const string SuccessOutcome = "success";

    public static UsageRecord Create(
        Guid id,
        string organizationId,
        Guid providerId,
        Guid? sessionId,
        string model,
        int? inputTokens,
        int? outputTokens,
        decimal cost,
        bool priced,
        string outcome,
        int durationMs,
        DateTimeOffset now) => new()
        {
            Id = id,
            OrganizationId = organizationId,
            ProviderId = providerId,
            SessionId = sessionId,
            Model = model,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            Cost = cost,
            Priced = priced,
            Outcome = outcome,
            DurationMs = durationMs,
            CreatedAt = Common.Timestamps.ToStoragePrecision(now),
        };
}
