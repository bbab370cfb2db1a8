namespace Almyty.Infrastructure.Usage;

/// <summary>How usage records are written (docs/adr/0011-usage-commit-without-fsync-wait.md).</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    /// <summary>
    /// <c>Usage__SynchronousCommit</c> (default false): when true, a chat waits until its usage record is flushed to
    /// PostgreSQL's write-ahead log on disk. When false, the record is committed at once and flushed within
    /// PostgreSQL's wal_writer_delay, so only a crash of the database server itself can lose the last moments of usage.
    /// </summary>
    public bool SynchronousCommit { get; set; }
}
