using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Almyty.Infrastructure.Persistence.Configurations;

internal sealed class ProviderUsageCounterConfiguration : IEntityTypeConfiguration<ProviderUsageCounter>
{
    public void Configure(EntityTypeBuilder<ProviderUsageCounter> builder)
    {
        builder.ToTable("provider_usage_counters");
        builder.HasKey(c => new { c.ProviderId, c.Shard });
        builder.Property(c => c.OrganizationId).HasMaxLength(ProviderRules.OrganizationIdMaxLength).IsRequired();
        builder.Property(c => c.TotalCost).HasPrecision(UsagePrecision.CostPrecision, UsagePrecision.CostScale);
        builder.HasOne<LlmProvider>().WithMany(p => p.UsageCounters).HasForeignKey(c => c.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal static class UsagePrecision
{
    /// <summary>
    /// USD with sixteen decimal places and twelve before the point: one token at any price with up to ten decimals is
    /// counted exactly, and every stored value still fits a .NET decimal (28 significant digits).
    /// </summary>
    public const int CostPrecision = 28;
    public const int CostScale = Domain.Usage.ModelPrice.CostScale;
}
