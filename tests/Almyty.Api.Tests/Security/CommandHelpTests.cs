namespace Almyty.Api.Tests.Security;

/// <summary><c>Almyty.Api &lt;command&gt; --help</c> (or <c>-h</c>): the command's usage on standard output, exit 0, no setting needed.</summary>
public sealed class CommandHelpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Token_with_help_prints_its_usage_and_options_and_exits_0(string help)
    {
        var run = await ApiProcess.RunAsync(new Dictionary<string, string>(), Timeout, "token", help);

        run.ExitCode.ShouldBe(0, run.StandardError);
        run.StandardOutput.ShouldContain("Usage: Almyty.Api token --org <id> --role <owner|admin|member|viewer> [--sub <id>] [--expires <minutes>]", Case.Sensitive);
        run.StandardOutput.ShouldContain("print a signed development token for an organization and role", Case.Insensitive);
        foreach (var option in new[] { "--org <id>", "--role <role>", "--sub <id>", "--expires <minutes>" })
        {
            run.StandardOutput.ShouldContain(option, Case.Sensitive);
        }

        run.StandardError.Trim().ShouldBeEmpty();
    }

    [Fact]
    public async Task Help_after_the_other_options_of_token_still_prints_the_usage()
    {
        var run = await ApiProcess.RunAsync(new Dictionary<string, string>(), Timeout, "token", "--org", "org-x", "--help");

        run.ExitCode.ShouldBe(0, run.StandardError);
        run.StandardOutput.ShouldContain("Usage: Almyty.Api token", Case.Sensitive);
        run.StandardError.Trim().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("migrate", "--help", "apply pending database migrations and exit")]
    [InlineData("migrate", "-h", "apply pending database migrations and exit")]
    [InlineData("rotate-secrets", "--help", "re-encrypt every stored API key under Secrets__ActiveKeyId")]
    [InlineData("rotate-secrets", "-h", "re-encrypt every stored API key under Secrets__ActiveKeyId")]
    public async Task A_command_with_help_prints_what_it_does_without_running_it(string command, string help, string description)
    {
        var run = await ApiProcess.RunAsync(new Dictionary<string, string>(), Timeout, command, help);

        run.ExitCode.ShouldBe(0, run.StandardError);
        run.StandardOutput.ShouldContain($"Usage: Almyty.Api {command}", Case.Sensitive);
        run.StandardOutput.ShouldContain(description, Case.Insensitive);
        run.StandardError.Trim().ShouldBeEmpty("nothing ran: no settings failure, no migration message");
    }
}
