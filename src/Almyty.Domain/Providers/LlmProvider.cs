using Almyty.Domain.Common;
using Almyty.Domain.Usage;

namespace Almyty.Domain.Providers;

/// <summary>A connection to an LLM provider, owned by one organization.</summary>
public sealed class LlmProvider
{
    private readonly List<ProviderUsageCounter> _usageCounters = [];

#pragma warning disable CS8618 // Used by EF Core only.
    private LlmProvider()
    {
    }
#pragma warning restore CS8618

    public Guid Id { get; private set; }
    public string OrganizationId { get; private set; }
    public string Name { get; private set; }

    /// <summary>The name folded for case-insensitive uniqueness within an organization.</summary>
    public string NormalizedName { get; private set; }

    public ProviderKind Kind { get; private set; }
    public string? Model { get; private set; }
    public Uri? BaseUrl { get; private set; }
    public ProviderConfiguration Configuration { get; private set; }
    public ProviderStatus Status { get; private set; }
    public EncryptedSecret ApiKey { get; private set; }
    public string ApiKeyHint { get; private set; }
    public DateTimeOffset? LastTestedAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The row version (PostgreSQL xmin): the ETag and the optimistic concurrency token.</summary>
    public uint Version { get; private set; }

    /// <summary>The shards of the running usage totals: read here, written only by the usage recorder, atomically in SQL.</summary>
    public IReadOnlyCollection<ProviderUsageCounter> UsageCounters => _usageCounters;

    public string EffectiveModel => Model ?? Kind.DefaultModel() ?? string.Empty;

    public Uri EffectiveBaseUrl => BaseUrl ?? Kind.DefaultBaseUrl()!;

    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant();
    }

    public static Result<LlmProvider> Create(
        Guid id,
        string organizationId,
        string name,
        ProviderKind kind,
        string? model,
        Uri? baseUrl,
        ProviderConfiguration configuration,
        EncryptedSecret apiKey,
        string apiKeyHint,
        DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(apiKey);

        var invariant = CheckInvariants(kind, baseUrl, configuration);
        if (invariant is not null)
        {
            return invariant;
        }

        now = now.ToStoragePrecision();
        return new LlmProvider
        {
            Id = id,
            OrganizationId = organizationId,
            Name = name.Trim(),
            NormalizedName = Normalize(name),
            Kind = kind,
            Model = model,
            BaseUrl = baseUrl,
            Configuration = configuration,
            Status = ProviderStatus.Active,
            ApiKey = apiKey,
            ApiKeyHint = apiKeyHint,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Applies a partial update as one change, so the invariants hold for the combined result.</summary>
    public Result<LlmProvider> Update(ProviderUpdate update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(update);

        var kind = update.Kind.GetValueOrDefault(Kind);
        var baseUrl = update.BaseUrl.GetValueOrDefault(BaseUrl);
        var configuration = update.Configuration is null ? Configuration : Configuration.Merge(update.Configuration);

        var invariant = CheckInvariants(kind, baseUrl, configuration);
        if (invariant is not null)
        {
            return invariant;
        }

        if (update.Name.HasValue)
        {
            Name = update.Name.Value.Trim();
            NormalizedName = Normalize(update.Name.Value);
        }

        Kind = kind;
        BaseUrl = baseUrl;
        Configuration = configuration;
        Model = update.Model.GetValueOrDefault(Model);

        if (update.ApiKey is not null)
        {
            ApiKey = update.ApiKey;
            ApiKeyHint = update.ApiKeyHint!;
        }

        if (update.Status.HasValue)
        {
            Status = update.Status.Value;
            if (Status == ProviderStatus.Active)
            {
                LastError = null;
            }
        }

        UpdatedAt = now.ToStoragePrecision();
        return this;
    }

    /// <summary>Keeps the verdict of a connection test; a provider a client disabled stays disabled.</summary>
    public void RecordTest(bool succeeded, string? error, DateTimeOffset now)
    {
        LastTestedAt = now.ToStoragePrecision();
        LastError = succeeded ? null : Truncate(error, ProviderRules.LastErrorMaxLength);
        if (Status != ProviderStatus.Inactive)
        {
            Status = succeeded ? ProviderStatus.Active : ProviderStatus.Error;
        }
    }

    private static string? Truncate(string? value, int maxLength) =>
        value is null ? null : Characters.Truncate(value, maxLength);

    /// <summary>Re-seals the API key under another encryption key; the secret itself does not change.</summary>
    public void ReplaceEncryptedApiKey(EncryptedSecret apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ApiKey = apiKey;
    }

    private static Error? CheckInvariants(ProviderKind kind, Uri? baseUrl, ProviderConfiguration configuration)
    {
        if (kind == ProviderKind.Custom && baseUrl is null)
        {
            return ProviderErrors.BaseUrlRequired();
        }

        if (configuration.Temperature > kind.MaxTemperature())
        {
            return ProviderErrors.TemperatureOutOfRange(kind);
        }

        if (!kind.AcceptsStop(configuration.Stop))
        {
            return ProviderErrors.StopNotAccepted(kind);
        }

        return null;
    }
}

/// <summary>The fields a PATCH names; everything absent stays as it is.</summary>
public sealed record ProviderUpdate
{
    public Optional<string> Name { get; init; }
    public Optional<ProviderKind> Kind { get; init; }
    public Optional<string?> Model { get; init; }
    public Optional<Uri?> BaseUrl { get; init; }
    public ProviderConfigurationPatch? Configuration { get; init; }
    public Optional<ProviderStatus> Status { get; init; }
    public EncryptedSecret? ApiKey { get; init; }
    public string? ApiKeyHint { get; init; }
}
