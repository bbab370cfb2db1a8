using Almyty.Api;
using Almyty.Api.Cli;
using Almyty.Api.Endpoints;
using Almyty.Api.Endpoints.Chat;
using Almyty.Api.Endpoints.Providers;
using Almyty.Api.Http;
using Almyty.Application;
using Almyty.Domain.Common;
using Almyty.Infrastructure;
using Almyty.Infrastructure.Persistence;
using Scalar.AspNetCore;

// Settings ship beside the binary, so the commands behave the same from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var isCommand = CommandLine.IsCommand(args);

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddApi(builder.Configuration);

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
        StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json)."),
        _ => (ErrorCodes.Validation, "The request could not be handled."),
    };
    await ErrorResults.Problem(response.StatusCode, code, message).ExecuteAsync(context.HttpContext);
});
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseAuthentication();
app.UseAuthorization();

if (app.Configuration.GetValue("Api:Docs:Enabled", true))
{
    app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
    app.MapScalarApiReference("/docs", options => options.WithTitle("Almyty API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
}

app.MapHealthEndpoints();
app.MapProviderEndpoints();
app.MapChatEndpoints();

if (app.Configuration.GetValue("Database:MigrateOnStart", true))
{
    await DatabaseMigrator.MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
