using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Almyty.Infrastructure.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the API.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AlmytyDbContext>
{
    public AlmytyDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AlmytyDbContext>();
        PersistenceSetup.Configure(options, "Host=localhost;Database=almyty_design");
        return new AlmytyDbContext(options.Options);
    }
}
