using Almyty.Application.Chat;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Gateways;
using Almyty.Application.Usage;
using Almyty.Infrastructure.Configuration;
using Almyty.Infrastructure.Gateways;
using Almyty.Infrastructure.Pricing;
using Almyty.Infrastructure.Usage;
using Almyty.Infrastructure.Egress;
using Almyty.Infrastructure.Persistence;
using Almyty.Infrastructure.Persistence.ProviderCache;
using Almyty.Infrastructure.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Almyty.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Almyty";
    public const string ReadyTag = "ready";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddSingleton(TimeProvider.System);

        services.AddOptions<DatabaseOptions>()
            .BindListingUnconvertible(configuration.GetSection(DatabaseOptions.SectionName))
            .Configure(options => options.ConnectionString = configuration.GetConnectionString(ConnectionStringName))
            .Validate(
                options => !string.IsNullOrWhiteSpace(options.ConnectionString),
                "ConnectionStrings__Almyty is not set: give the PostgreSQL connection string (e.g. Host=localhost;Port=5432;Database=almyty;Username=almyty;Password=...).")
            .ValidateOnStart();
        // Pooled: building a DbContext and its options for every request was a fifth of the API's CPU (docs/performance.md).
        services.AddPooledDbContextFactory<AlmytyDbContext>((provider, options) =>
            PersistenceSetup.Configure(options, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString ?? string.Empty)
                .AddInterceptors(provider.GetRequiredService<ProviderChangeInterceptor>()));
        // Registered once: the scope then disposes the rented context once, returning it to the pool at the end of the
        // request. A second registration resolving the same instance made the scope dispose it twice, and a context
        // re-rented in between was pulled from under its new request (PooledContextTests).
        services.AddScoped<IAlmytyDbContext>(PersistenceSetup.RentFor);

        services.AddOptions<ProviderCacheOptions>().BindListingUnconvertible(configuration.GetSection(ProviderCacheOptions.SectionName))
            .Validate(o => o.MaxAgeSeconds is >= 1 and <= 86_400, "ProviderCache__MaxAgeSeconds must be between 1 and 86400.")
            .Validate(o => o.Capacity is >= 1 and <= 1_000_000, "ProviderCache__Capacity must be between 1 and 1000000.")
            .Validate(o => o.HeartbeatSeconds is >= 1 and <= 300, "ProviderCache__HeartbeatSeconds must be between 1 and 300.")
            .ValidateOnStart();
        services.AddSingleton<ProviderConnectionCache>();
        services.AddSingleton<ProviderChangeInterceptor>();
        services.AddScoped<IProviderConnections, ProviderConnections>();
        services.AddHostedService<ProviderChangeListener>();

        services.AddOptions<SecretsOptions>().BindListingUnconvertible(configuration.GetSection(SecretsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<ISecretProtector, AesGcmSecretProtector>();

        // Checked at start, like Usage below: a value that does not parse would otherwise fail the first call that needs it.
        services.AddOptions<EgressOptions>().BindListingUnconvertible(configuration.GetSection(EgressOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<EgressPolicy>();
        services.AddSingleton<IEgressPolicy>(provider => provider.GetRequiredService<EgressPolicy>());

        services.AddOptions<GatewayOptions>().BindListingUnconvertible(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<ChatOptions>().BindListingUnconvertible(configuration.GetSection(ChatOptions.SectionName))
            .Validate(o => o.HistoryMaxTurns is >= 0 and <= 10_000, "Chat__HistoryMaxTurns must be between 0 and 10000.")
            .Validate(o => o.HistoryMaxCharacters is >= 0 and <= 10_000_000, "Chat__HistoryMaxCharacters must be between 0 and 10000000.")
            .Validate(o => o.DefaultTimeoutSeconds is >= 1 and <= 600, "Chat__DefaultTimeoutSeconds must be between 1 and 600.")
            .Validate(o => o.DefaultTemperature is >= 0 and <= 1, "Chat__DefaultTemperature must be between 0 and 1 (it applies to every provider kind).")
            .Validate(o => o.DefaultMaxTokens is >= 1 and <= 1_000_000, "Chat__DefaultMaxTokens must be between 1 and 1000000.")
            .Validate(o => o.DefaultTopP is >= 0 and <= 1, "Chat__DefaultTopP must be between 0 and 1.")
            .Validate(o => o.TestMaxTokens is >= 1 and <= 64, "Chat__TestMaxTokens must be between 1 and 64.")
            .ValidateOnStart();
        services.AddSingleton<IPriceCatalog, PriceCatalog>();
        // Nothing to check but the parse; without this an unparsable value surfaced only when the first chat resolved UsageWriter.
        services.AddOptions<UsageOptions>().BindListingUnconvertible(configuration.GetSection(UsageOptions.SectionName)).ValidateOnStart();
        services.AddSingleton(provider => new UsageDataSource(NpgsqlDataSource.Create(
            PersistenceSetup.WithPerformanceDefaults(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString ?? string.Empty))));
        services.AddSingleton<IUsageRecorder, UsageWriter>();
        services.AddGateways();

        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: [ReadyTag]);
        return services;
    }
}
