using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Almyty.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Every change to a provider's row, by whoever makes it, notifies channel almyty_provider_changed with the
    /// provider's id (an empty payload for a truncation), delivered when the change commits. Each API instance listens
    /// and drops the provider from its cache (docs/adr/0014-provider-connection-cache.md).
    /// </summary>
    public partial class ProviderChangeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE FUNCTION notify_provider_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'TRUNCATE' THEN
                        PERFORM pg_notify('almyty_provider_changed', '');
                    ELSE
                        PERFORM pg_notify('almyty_provider_changed', OLD.id::text);
                    END IF;
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER llm_providers_changed AFTER UPDATE OR DELETE ON llm_providers
                    FOR EACH ROW EXECUTE FUNCTION notify_provider_changed();

                CREATE TRIGGER llm_providers_truncated AFTER TRUNCATE ON llm_providers
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_provider_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER llm_providers_truncated ON llm_providers;
                DROP TRIGGER llm_providers_changed ON llm_providers;
                DROP FUNCTION notify_provider_changed();
                """);
        }
    }
}
