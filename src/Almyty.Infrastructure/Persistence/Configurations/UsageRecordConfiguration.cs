using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Almyty.Infrastructure.Persistence.Configurations;

/// <summary>No foreign keys: the history outlives the providers and sessions it mentions.</summary>
internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        builder.ToTable("usage_records");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.OrganizationId).HasMaxLength(ProviderRules.OrganizationIdMaxLength).IsRequired();
        builder.Property(u => u.Model).HasMaxLength(ChatRules.ModelMaxLength).IsRequired();
        builder.Property(u => u.Cost).HasPrecision(UsagePrecision.CostPrecision, UsagePrecision.CostScale);
        builder.Property(u => u.Outcome).HasMaxLength(64).IsRequired();
        builder.Ignore(u => u.TotalTokens);
        builder.HasIndex(u => new { u.OrganizationId, u.ProviderId, u.CreatedAt });
    }
}
