using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Almyty.Infrastructure.Persistence.Configurations;

internal sealed class ChatSessionConfiguration : IEntityTypeConfiguration<ChatSession>
{
    public void Configure(EntityTypeBuilder<ChatSession> builder)
    {
        builder.ToTable("chat_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.OrganizationId).HasMaxLength(ProviderRules.OrganizationIdMaxLength).IsRequired();
        builder.Property(s => s.Title).HasMaxLength(ChatRules.TitleMaxLength);
        builder.Property(s => s.SystemPrompt).HasMaxLength(ProviderRules.SystemPromptMaxLength);
        builder.Property(s => s.TotalCost).HasPrecision(UsagePrecision.CostPrecision, UsagePrecision.CostScale);
        builder.Property(s => s.Version).IsRowVersion();
        builder.HasOne<LlmProvider>().WithMany().HasForeignKey(s => s.ProviderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.OrganizationId, s.ProviderId, s.LastActivityAt });
    }
}

internal sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessage>
{
    public void Configure(EntityTypeBuilder<ChatMessage> builder)
    {
        builder.ToTable("chat_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.OrganizationId).HasMaxLength(ProviderRules.OrganizationIdMaxLength).IsRequired();
        builder.Property(m => m.Role)
            .HasConversion(role => role.ToWire(), value => ChatRoles.Parse(value))
            .HasMaxLength(16)
            .IsRequired();
        builder.Property(m => m.Content).IsRequired();
        builder.HasOne<ChatSession>().WithMany().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);

        // One message per place in a session is a DEFERRABLE unique constraint created in the migration, not an index
        // declared here: checked at commit, two appends never wait on each other's inserts, so they cannot deadlock.
    }
}
