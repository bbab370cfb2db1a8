using FluentValidation;

namespace Almyty.Application.Providers.UpdateProvider;

public sealed class UpdateProviderCommandValidator : AbstractValidator<UpdateProviderCommand>
{
    public UpdateProviderCommandValidator()
    {
        When(c => c.Name.HasValue, () => RuleFor(c => c.Name.Value).ValidProviderName().OverridePropertyName("name"));
        When(c => c.Provider.HasValue, () => RuleFor(c => c.Provider.Value).ValidProviderKind().OverridePropertyName("provider"));
        When(c => c.ApiKey.HasValue, () => RuleFor(c => c.ApiKey.Value).ValidApiKey().OverridePropertyName("apiKey"));
        When(c => c.Model.HasValue, () => RuleFor(c => c.Model.Value).ValidModel().OverridePropertyName("model"));
        When(c => c.BaseUrl.HasValue, () => RuleFor(c => c.BaseUrl.Value).ValidBaseUrl().OverridePropertyName("baseUrl"));
        When(c => c.Status.HasValue, () => RuleFor(c => c.Status.Value).ValidStatus().OverridePropertyName("status"));
        RuleFor(c => c.Configuration!).SetValidator(new ProviderConfigurationPatchValidator()).When(c => c.Configuration is not null);
    }
}
