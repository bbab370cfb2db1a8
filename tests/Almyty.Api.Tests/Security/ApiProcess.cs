using System.Diagnostics;
using System.Text;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Security;

internal sealed record ProcessRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the Api executable that sits beside the test assembly, as an operator runs it (<c>dotnet Almyty.Api.dll ...</c>),
/// with none of the Almyty settings of the test process: only the ones given.
/// </summary>
internal static class ApiProcess
{
    public static async Task<ProcessRun> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Secrets__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
                || name.Equals(TestDatabase.ServerVariable, StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // Should the process start serving after all, it must not collide with anything on a fixed port.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'dotnet Almyty.Api.dll {string.Join(' ', arguments)}' was still running after {timeout.TotalSeconds:0} s.");
        }

        return new ProcessRun(process.ExitCode, await output, await error);
    }
}
