using FluentValidation;

namespace Almyty.Application.Sessions.GetSession;

public sealed class GetSessionQueryValidator : AbstractValidator<GetSessionQuery>
{
    public GetSessionQueryValidator()
    {
        RuleFor(q => q.Page).ValidPage();
        RuleFor(q => q.Limit).ValidLimit(GetSessionQuery.MaxLimit);
    }
}
