using Almyty.Api.Http;
using Almyty.Domain.Common;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Almyty.Api.Endpoints;

/// <summary>Liveness (the process answers) and readiness (PostgreSQL answers); neither needs a token.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Almyty.Infrastructure.DependencyInjection.ReadyTag), ResponseWriter = WriteAsync })
            .WithTags("Health").AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString().ToLowerInvariant());
        object body = report.Status == HealthStatus.Unhealthy
            ? new ErrorEnvelope("A dependency is not ready: " + string.Join(", ", checks.Where(c => c.Value != "healthy").Select(c => c.Key)), ErrorCodes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable)
            : new SuccessEnvelope<object>(new { status = report.Status.ToString().ToLowerInvariant(), checks });
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return context.Response.WriteAsJsonAsync(body, body.GetType(), options, context.RequestAborted);
    }
}
