using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Almyty.Infrastructure.Persistence;

/// <summary>Readiness: PostgreSQL answers, through a context of its own from the pool (no request's tenant involved).</summary>
internal sealed class PostgresHealthCheck(IDbContextFactory<AlmytyDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, "PostgreSQL cannot be reached.");
    }
}
