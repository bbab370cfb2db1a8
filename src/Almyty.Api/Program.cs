using Almyty.Api;
using Almyty.Api.Cli;
using Almyty.Api.Endpoints;
using Almyty.Api.Endpoints.Chat;
using Almyty.Api.Endpoints.Models;
using Almyty.Api.Endpoints.Providers;
using Almyty.Api.Endpoints.Sessions;
using Almyty.Api.Endpoints.Usage;
using Almyty.Api.Http;
using Almyty.Application;
using Almyty.Domain.Common;
using Almyty.Infrastructure;
using Almyty.Infrastructure.Persistence;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

// Settings ship beside the binary, so the commands behave the same from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var isCommand = CommandLine.IsCommand(args);

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddApi(builder.Configuration);

try
{
    var app = builder.Build();

    if (isCommand)
    {
        return await CommandLine.RunAsync(app, args);
    }

    app.UseMiddleware<OverheadHeader>();
    app.UseExceptionHandler();
    app.UseStatusCodePages(async context =>
    {
        var response = context.HttpContext.Response;
        var (code, message) = response.StatusCode switch
        {
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, "No such endpoint."),
            StatusCodes.Status405MethodNotAllowed => ("METHOD_NOT_ALLOWED", "This endpoint does not support that method."),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, "The request body is too large."),
            StatusCodes.Status400BadRequest => (ErrorCodes.Validation, "The request is malformed."),
            StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json)."),
            _ => (ErrorCodes.Validation, "The request could not be handled."),
        };
        await ErrorResults.Problem(response.StatusCode, code, message).ExecuteAsync(context.HttpContext);
    });
    app.UseMiddleware<RequestBodyLimitMiddleware>();
    app.UseAuthentication();
    app.UseMiddleware<OrganizationRateLimit>();
    app.UseAuthorization();
    app.UseMiddleware<UnknownQueryParameterMiddleware>();

    if (app.Configuration.GetValue("Api:Docs:Enabled", true))
    {
        // One document, at a fixed route: another name is an ordinary 404 in the envelope.
        app.MapOpenApi("/openapi/v1.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options.WithTitle("Almyty API").WithOpenApiRoutePattern("/openapi/v1.json")).AllowAnonymous();
    }

    app.MapHealthEndpoints();
    app.MapProviderEndpoints();
    app.MapChatEndpoints();
    app.MapSessionEndpoints();
    app.MapUsageEndpoints();
    app.MapModelEndpoints();

    // Settings are checked before anything touches the database, so a bad configuration changes nothing.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
    if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
    {
        await DatabaseMigrator.MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
    }

    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (SettingFailures.Of(exception) is { Count: > 0 } failures)
{
    // A missing or wrong setting is the operator's to fix: say which, without a stack trace.
    await Console.Error.WriteLineAsync("Almyty cannot start; fix these settings:\n  - " + string.Join("\n  - ", failures));
    return 1;
}

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
