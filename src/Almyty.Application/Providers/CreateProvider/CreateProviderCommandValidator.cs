using FluentValidation;

namespace Almyty.Application.Providers.CreateProvider;

public sealed class CreateProviderCommandValidator : AbstractValidator<CreateProviderCommand>
{
    public CreateProviderCommandValidator()
    {
        RuleFor(c => c.Name).ValidProviderName();
        RuleFor(c => c.Provider).ValidProviderKind();
        RuleFor(c => c.ApiKey).ValidApiKey();
        RuleFor(c => c.Model).ValidModel();
        RuleFor(c => c.BaseUrl).ValidBaseUrl();
        RuleFor(c => c.Configuration!).SetValidator(new ProviderConfigurationPatchValidator()).When(c => c.Configuration is not null);
    }
}
