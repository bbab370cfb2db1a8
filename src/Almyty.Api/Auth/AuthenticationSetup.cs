using Almyty.Api.Http;
using Almyty.Domain.Common;
using Almyty.Infrastructure.Configuration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Almyty.Api.Auth;

internal static class AuthenticationSetup
{
    public static IServiceCollection AddAlmytyAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwtOptions>().BindListingUnconvertible(configuration.GetSection(JwtOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        services.AddSingleton<TokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.RemoveDataProtectionStartup();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, TimeProvider>((bearer, jwtOptions, timeProvider) => Configure(bearer, jwtOptions.Value, timeProvider));
        services.AddAuthorization();
        return services;
    }

    /// <summary>
    /// <c>AddAuthentication</c> brings ASP.NET Core data protection, for cookie schemes. A bearer token needs none, and
    /// nothing here protects data with it, but its start-up service would still create a key ring on every start:
    /// an unencrypted key file under $HOME, a warning about it in the log, and ~3 MB of XML code in memory.
    /// </summary>
    internal static void RemoveDataProtectionStartup(this IServiceCollection services)
    {
        var dataProtection = typeof(DataProtectionOptions).Assembly;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.Assembly == dataProtection)
            {
                services.RemoveAt(i);
            }
        }
    }

    private static void Configure(JwtBearerOptions bearer, JwtOptions jwt, TimeProvider timeProvider)
    {
        bearer.MapInboundClaims = false;
        bearer.IncludeErrorDetails = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = AlmytyClaims.Subject,
            RoleClaimType = AlmytyClaims.Role,
        };

        if (jwt.UsesAuthority)
        {
            bearer.Authority = jwt.Authority;
        }
        else if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            bearer.TokenValidationParameters.ValidateIssuerSigningKey = true;
            bearer.TokenValidationParameters.IssuerSigningKey = TokenIssuer.SigningKeyOf(jwt.SigningKey);
            bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            bearer.TokenHandlers.Clear();
            bearer.TokenHandlers.Add(new CachingTokenHandler(new JsonWebTokenHandler { MapInboundClaims = false }, timeProvider));
        }

        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                // A token that names no organization, or several, cannot be scoped to one: it is not a token of ours.
                var organization = AlmytyClaims.OnlyValue(context.Principal, AlmytyClaims.OrganizationId);
                if (string.IsNullOrWhiteSpace(organization) || !Characters.CountIsAtMost(organization, Domain.Providers.ProviderRules.OrganizationIdMaxLength))
                {
                    context.Fail("The token has no usable org_id claim.");
                }

                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var message = context.AuthenticateFailure switch
                {
                    null => "A bearer token is required (Authorization: Bearer <token>).",
                    SecurityTokenExpiredException => "The bearer token has expired.",
                    _ => "The bearer token is invalid.",
                };
                context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
                await ErrorResults.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message).ExecuteAsync(context.HttpContext);
            },
            OnForbidden = context =>
                ErrorResults.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Your role does not allow this operation.").ExecuteAsync(context.HttpContext),
        };
    }
}
