using Almyty.Infrastructure.Configuration;
using Almyty.Infrastructure.Egress;
using Almyty.Infrastructure.Gateways;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Tests.Configuration;

public sealed class SettingsBindingTests
{
    [Fact]
    public void Every_unconvertible_value_of_a_group_is_a_failure_and_its_other_values_are_still_bound()
    {
        using var provider = Provider<GatewayOptions>(
            "Gateways",
            new()
            {
                ["Gateways:MaxResponseBytes"] = "2048",
                ["Gateways:MaxRetryAttempts"] = "two",
                ["Gateways:CircuitFailureRatio"] = "half",
                ["Gateways:CircuitBreakSeconds"] = "7",
            });

        var options = Configured<GatewayOptions>(provider);
        var failures = Failures(provider, options);

        failures.ShouldBe(["Gateways__MaxRetryAttempts must be a whole number.", "Gateways__CircuitFailureRatio must be a number."]);
        options.MaxResponseBytes.ShouldBe(2048);
        options.CircuitBreakSeconds.ShouldBe(7);
        options.MaxRetryAttempts.ShouldBe(new GatewayOptions().MaxRetryAttempts, "an unconvertible value leaves its default");
    }

    [Fact]
    public void A_list_beside_an_unconvertible_value_is_bound_once()
    {
        using var provider = Provider<EgressOptions>(
            "Egress",
            new()
            {
                ["Egress:AllowPrivateNetworks"] = "maybe",
                ["Egress:AllowedHosts:0"] = "llm.corp.example",
                ["Egress:AllowedHosts:1"] = "10.20.0.0/16",
            });

        var options = Configured<EgressOptions>(provider);

        Failures(provider, options).ShouldBe(["Egress__AllowPrivateNetworks must be true or false."]);
        options.AllowedHosts.ShouldBe(["llm.corp.example", "10.20.0.0/16"]);
    }

    [Fact]
    public void Resolving_a_group_with_an_unconvertible_value_throws_a_validation_failure_not_a_binder_exception()
    {
        using var provider = Provider<EgressOptions>("Egress", new() { ["Egress:AllowPrivateNetworks"] = "yes" });

        var exception = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EgressOptions>>().Value);

        exception.Failures.ShouldBe(["Egress__AllowPrivateNetworks must be true or false."]);
        exception.Message.ShouldNotContain("yes");
    }

    [Fact]
    public void A_group_whose_values_all_convert_binds_them_and_passes()
    {
        using var provider = Provider<EgressOptions>(
            "Egress",
            new() { ["Egress:AllowPrivateNetworks"] = "true", ["Egress:AllowedHosts:0"] = "llm.corp.example" });

        var options = provider.GetRequiredService<IOptions<EgressOptions>>().Value;

        options.AllowPrivateNetworks.ShouldBeTrue();
        options.AllowedHosts.ShouldBe(["llm.corp.example"]);
    }

    private static ServiceProvider Provider<TOptions>(string section, Dictionary<string, string?> settings)
        where TOptions : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<TOptions>().BindListingUnconvertible(configuration.GetSection(section));
        return services.BuildServiceProvider();
    }

    /// <summary>The options as configured, before validation would throw.</summary>
    private static TOptions Configured<TOptions>(ServiceProvider provider)
        where TOptions : class, new()
    {
        var options = new TOptions();
        foreach (var configure in provider.GetServices<IConfigureOptions<TOptions>>())
        {
            configure.Configure(options);
        }

        return options;
    }

    private static List<string> Failures<TOptions>(ServiceProvider provider, TOptions options)
        where TOptions : class =>
        [.. provider.GetServices<IValidateOptions<TOptions>>().SelectMany(v => v.Validate(Options.DefaultName, options).Failures ?? [])];
}
