using System.Globalization;
using Almyty.Api.Auth;
using Almyty.Application.Common.Security;
using Almyty.Application.Secrets.RotateSecrets;
using Almyty.Infrastructure.Persistence;
using Mediator;

namespace Almyty.Api.Cli;

/// <summary>The operator commands of the API executable: <c>migrate</c>, <c>token</c> and <c>rotate-secrets</c>.</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: Almyty.Api [command]

          (no command)       serve the HTTP API (applies migrations first unless Database__MigrateOnStart=false)
          migrate            apply pending database migrations and exit
          token --org <id> --role <owner|admin|member|viewer> [--sub <id>] [--expires <minutes>]
                             print a signed development token for an organization and role
          rotate-secrets     re-encrypt every stored API key under Secrets__ActiveKeyId

        <command> --help (or -h) describes one command.
        """;

    /// <summary>What <c>&lt;command&gt; --help</c> prints: the command's line of the usage above, and its options.</summary>
    private static readonly Dictionary<string, string> CommandUsages = new(StringComparer.Ordinal)
    {
        ["migrate"] = """
            Usage: Almyty.Api migrate

            Apply pending database migrations and exit. Needs ConnectionStrings__Almyty.
            """,
        ["token"] = """
            Usage: Almyty.Api token --org <id> --role <owner|admin|member|viewer> [--sub <id>] [--expires <minutes>]

            Print a signed development token for an organization and role. Signs with Auth__Jwt__SigningKey (HS256).

              --org <id>           the organization the token acts for (org_id claim); required
              --role <role>        owner, admin, member or viewer; required
              --sub <id>           the subject (sub claim); default cli:<org>
              --expires <minutes>  how long the token is valid, 1 or more; default 60
            """,
        ["rotate-secrets"] = """
            Usage: Almyty.Api rotate-secrets

            Re-encrypt every stored API key under Secrets__ActiveKeyId. Needs ConnectionStrings__Almyty and Secrets__Keys__<id>.
            """,
    };

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (args[0] is "--help" or "-h" || (!args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal)));

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var command = args[0];
        if (CommandUsages.TryGetValue(command, out var commandUsage) && args.AsSpan(1).ContainsAny("--help", "-h"))
        {
            await Console.Out.WriteLineAsync(commandUsage);
            return 0;
        }

        var options = ParseOptions(args.AsSpan(1));
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        switch (command)
        {
            case "migrate":
                var applied = await DatabaseMigrator.MigrateAsync(app.Services, cancellation.Token);
                await Console.Error.WriteLineAsync(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
                return 0;

            case "token":
                return IssueToken(app, options);

            case "rotate-secrets":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RotateSecretsCommand(), cancellation.Token);
                    await Console.Error.WriteLineAsync($"Examined {result.Value.Examined} stored key(s); re-encrypted {result.Value.Rotated} under the active key.");
                }

                return 0;

            case "help" or "--help" or "-h":
                await Console.Out.WriteLineAsync(Usage);
                return 0;

            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'.\n\n{Usage}");
                return 2;
        }
    }

    private static int IssueToken(WebApplication app, Dictionary<string, string> options)
    {
        if (!options.TryGetValue("org", out var organization) || string.IsNullOrWhiteSpace(organization))
        {
            Console.Error.WriteLine("token: --org <id> is required.");
            return 2;
        }

        if (!options.TryGetValue("role", out var role) || !Roles.TryParse(role, out _))
        {
            Console.Error.WriteLine($"token: --role must be one of {string.Join(", ", Roles.All)}.");
            return 2;
        }

        var minutes = 60;
        if (options.TryGetValue("expires", out var expires)
            && (!int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes < 1))
        {
            Console.Error.WriteLine("token: --expires takes a whole number of minutes, 1 or more.");
            return 2;
        }

        options.TryGetValue("sub", out var subject);
        var token = app.Services.GetRequiredService<TokenIssuer>().Issue(organization, role, subject, TimeSpan.FromMinutes(minutes));
        Console.Out.WriteLine(token);
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = args[i][2..];
                options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : string.Empty;
            }
        }

        return options;
    }
}
