using FluentValidation;

namespace Almyty.Application.Usage.GetProviderUsage;

public sealed class GetProviderUsageQueryValidator : AbstractValidator<GetProviderUsageQuery>
{
    public GetProviderUsageQueryValidator()
    {
        RuleFor(q => q.From)
            .Must(raw => UsageWindow.TryParse(raw, out _))
            .WithMessage($"'from' must be {UsageWindow.Format}.");
        RuleFor(q => q.To)
            .Must(raw => UsageWindow.TryParse(raw, out _))
            .WithMessage($"'to' must be {UsageWindow.Format}.");
        RuleFor(q => q.To)
            .Must((query, to) => !(UsageWindow.TryParse(query.From, out var from) && UsageWindow.TryParse(to, out var end) && from >= end))
            .WithMessage("'to' must be later than 'from' (the window is from inclusive, to exclusive).");
        RuleFor(q => q.GroupBy)
            .Must(UsageGroupings.All.Contains)
            .WithMessage($"'groupBy' must be one of: {string.Join(", ", UsageGroupings.All)}.");
    }
}
