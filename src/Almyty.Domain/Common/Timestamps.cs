namespace Almyty.Domain.Common;

public static class Timestamps
{
    /// <summary>PostgreSQL keeps microseconds: truncating first means what a write returns equals what a read returns.</summary>
    public static DateTimeOffset ToStoragePrecision(this DateTimeOffset value) =>
        new DateTimeOffset(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
