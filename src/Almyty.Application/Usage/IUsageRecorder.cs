using Almyty.Domain.Usage;

namespace Almyty.Application.Usage;

/// <summary>Appends a usage record and adds it to the provider's running totals, atomically and without a hot row.</summary>
public interface IUsageRecorder
{
    Task RecordAsync(UsageRecord record, CancellationToken cancellationToken);
}
