using System.Text.Json;
using Almyty.Application.Providers;
using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Almyty.Infrastructure.Persistence.Configurations;

internal sealed class LlmProviderConfiguration : IEntityTypeConfiguration<LlmProvider>
{
    private static readonly JsonSerializerOptions ConfigurationJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public void Configure(EntityTypeBuilder<LlmProvider> builder)
    {
        builder.ToTable("llm_providers");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();

        builder.Property(p => p.OrganizationId).HasMaxLength(ProviderRules.OrganizationIdMaxLength).IsRequired();
        builder.Property(p => p.Name).HasMaxLength(ProviderRules.NameMaxLength).IsRequired();
        builder.Property(p => p.NormalizedName).HasMaxLength(ProviderRules.NameMaxLength).IsRequired();
        builder.Property(p => p.Kind)
            .HasColumnName("provider")
            .HasConversion(kind => kind.ToWire(), value => ProviderKinds.Parse(value))
            .HasMaxLength(16)
            .IsRequired();
        builder.Property(p => p.Model).HasMaxLength(ProviderRules.ModelMaxLength);
        // Stored as given, and normalised when read: Uri.ToString() would add a slash to a URL without a path, and
        // rows written before this conversion have it.
        builder.Property(p => p.BaseUrl)
            .HasConversion(url => url!.OriginalString, value => (Uri?)BaseUrls.Parse(value))
            .HasMaxLength(ProviderRules.BaseUrlMaxLength);
        builder.Property(p => p.Configuration)
            .HasColumnType("jsonb")
            .HasConversion(
                configuration => JsonSerializer.Serialize(configuration, ConfigurationJson),
                json => JsonSerializer.Deserialize<ProviderConfiguration>(json, ConfigurationJson) ?? ProviderConfiguration.Empty,
                new ValueComparer<ProviderConfiguration>((a, b) => Equals(a, b), c => c.GetHashCode(), c => c))
            .IsRequired();
        builder.Property(p => p.Status)
            .HasConversion(status => status.ToWire(), value => ProviderStatuses.Parse(value))
            .HasMaxLength(16)
            .IsRequired();

        builder.ComplexProperty(p => p.ApiKey, secret =>
        {
            secret.Property(s => s.KeyId).HasColumnName("api_key_id").HasMaxLength(64).IsRequired();
            secret.Property(s => s.Ciphertext).HasColumnName("api_key_ciphertext").IsRequired();
        });
        builder.Property(p => p.ApiKeyHint).HasMaxLength(16).IsRequired();

        builder.Property(p => p.LastError).HasMaxLength(ProviderRules.LastErrorMaxLength);

        builder.Property(p => p.Version).IsRowVersion();

        builder.Ignore(p => p.EffectiveModel);
        builder.Ignore(p => p.EffectiveBaseUrl);

        builder.HasIndex(p => new { p.OrganizationId, p.NormalizedName }).IsUnique();
        builder.HasIndex(p => new { p.OrganizationId, p.CreatedAt });
    }
}
