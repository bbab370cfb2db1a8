namespace Almyty.Application.Common;

public static class TimeProviderExtensions
{
    /// <summary>A time-ordered UUIDv7, so new rows land at the end of their indexes.</summary>
    public static Guid NewId(this TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Guid.CreateVersion7(timeProvider.GetUtcNow());
    }
}
