using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Common.Abstractions;

/// <summary>The unit of work the handlers use. Every query is already scoped to the caller's organization.</summary>
public interface IAlmytyDbContext
{
    DbSet<LlmProvider> Providers { get; }

    /// <exception cref="Persistence.DuplicateKeyException">A unique index refused the change.</exception>
    /// <exception cref="DbUpdateConcurrencyException">A row changed since it was read.</exception>
    Task<int> SaveChangesAsync(CancellationToken cancellationToken);
}
