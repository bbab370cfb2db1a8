using System.Text.Json.Serialization;

namespace Almyty.Application.Providers;

/// <summary>A provider as clients see it. The API key is write-only: only its hint is here.</summary>
public sealed record ProviderResponse(
    Guid Id,
    string Name,
    string Provider,
    string? Model,
    string BaseUrl,
    ProviderConfigurationResponse Configuration,
    string Status,
    string ApiKeyHint,
    decimal TotalCost,
    long TotalRequests,
    long TotalTokens,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? LastTestedAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The row version behind the ETag header; not part of the body.</summary>
    [JsonIgnore]
    public uint Version { get; init; }
}

/// <summary>Only the keys that are set appear.</summary>
public sealed record ProviderConfigurationResponse
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Temperature { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxTokens { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TopP { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SystemPrompt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Stop { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TimeoutSeconds { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? InputCostPer1M { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? OutputCostPer1M { get; init; }
}

public sealed record ProviderListResponse(IReadOnlyList<ProviderResponse> Providers, int Total, int Page, int Limit, int TotalPages);

public sealed record ProviderDeletedResponse(Guid Id, bool Deleted);
