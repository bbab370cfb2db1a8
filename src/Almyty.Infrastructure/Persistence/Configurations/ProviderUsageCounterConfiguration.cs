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
        builder.HasOne<LlmProvider>().WithMany().HasForeignKey(c => c.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal static class UsagePrecision
{
    /// <summary>USD with ten decimal places: a single token of the cheapest model is still counted exactly.</summary>
    public const int CostPrecision = 20;
    public const int CostScale = 10;
}
