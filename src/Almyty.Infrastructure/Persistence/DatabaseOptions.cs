namespace Almyty.Infrastructure.Persistence;

/// <summary><c>ConnectionStrings__Almyty</c>, and whether the API migrates the database when it starts.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public string? ConnectionString { get; set; }

    /// <summary><c>Database__MigrateOnStart</c>: apply pending migrations before serving (default true).</summary>
    public bool MigrateOnStart { get; set; } = true;
}
