using FluentValidation;

namespace Almyty.Application.Sessions.ListSessions;

public sealed class ListSessionsQueryValidator : AbstractValidator<ListSessionsQuery>
{
    public ListSessionsQueryValidator()
    {
        RuleFor(q => q.Page).ValidPage();
        RuleFor(q => q.Limit).ValidLimit(ListSessionsQuery.MaxLimit);
    }
}
