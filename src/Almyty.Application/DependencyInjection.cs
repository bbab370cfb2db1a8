using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Almyty.Application;

public static class DependencyInjection
{
    /// <summary>Validators of the use cases. The mediator and its pipeline are composed by the host, which runs the source generator.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddScoped<Gateways.UpstreamTimer>();
        services.AddScoped<Chat.ChatCallResolver>();
        services.AddScoped<Chat.ChatExchangeRecorder>();
        services.AddSingleton<Chat.SessionAppendGate>();
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: false);
        return services;
    }
}
