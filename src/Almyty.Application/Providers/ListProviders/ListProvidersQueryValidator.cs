using Almyty.Application.Common.Validation;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using FluentValidation;

namespace Almyty.Application.Providers.ListProviders;

public sealed class ListProvidersQueryValidator : AbstractValidator<ListProvidersQuery>
{
    public ListProvidersQueryValidator()
    {
        RuleFor(q => q.Page).GreaterThanOrEqualTo(1).WithMessage("'page' must be 1 or more.");
        RuleFor(q => q.Limit).InclusiveBetween(1, ListProvidersQuery.MaxLimit).WithMessage($"'limit' must be between 1 and {ListProvidersQuery.MaxLimit}.");
        RuleFor(q => q.Provider)
            .Must(p => p is null || ProviderKinds.All.Contains(p))
            .WithMessage($"'provider' must be one of: {string.Join(", ", ProviderKinds.All)}.");
        RuleFor(q => q.Status)
            .Must(s => s is null || ProviderStatuses.All.Contains(s))
            .WithMessage($"'status' must be one of: {string.Join(", ", ProviderStatuses.All)}.");
        RuleFor(q => q.Search)
            .Must(s => s is null || Characters.CountIsAtMost(s, ListProvidersQuery.MaxSearchLength))
            .WithMessage($"'search' must be at most {ListProvidersQuery.MaxSearchLength} characters.")
            .WithoutNul("search");
        RuleFor(q => q.SortBy)
            .Must(ProviderSortFields.All.Contains)
            .WithMessage($"'sortBy' must be one of: {string.Join(", ", ProviderSortFields.All)}.");
        RuleFor(q => q.SortOrder)
            .Must(SortOrders.All.Contains)
            .WithMessage($"'sortOrder' must be one of: {string.Join(", ", SortOrders.All)}.");
    }
}
