using Almyty.Api.Auth;
using Almyty.Api.Http;
using Almyty.Api.OpenApi;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Behaviors;
using Almyty.Infrastructure.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Almyty.Api;

public static class DependencyInjection
{
    /// <summary>The largest request body accepted unless <c>Kestrel__Limits__MaxRequestBodySize</c> says otherwise.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(Application.DependencyInjection)];
            options.PipelineBehaviors = [typeof(AuthorizationBehavior<,>), typeof(ValidationBehavior<,>)];
        });

        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentPrincipal, HttpContextCurrentPrincipal>();
        services.AddAlmytyAuthentication(configuration);

        services.ConfigureHttpJsonOptions(options => JsonSetup.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") ?? DefaultMaxRequestBodyBytes;
        });
        services.AddOptions<RateLimitOptions>().BindListingUnconvertible(configuration.GetSection(RateLimitOptions.SectionName))
            .Validate(o => o.PermitsPerWindow >= 0, "RateLimiting__PermitsPerWindow must be 0 (no limit) or more.")
            .Validate(o => o.WindowSeconds is >= 1 and <= 86_400, "RateLimiting__WindowSeconds must be between 1 and 86400.")
            .ValidateOnStart();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();

        services.AddAlmytyOpenApi();
        return services;
    }
}
