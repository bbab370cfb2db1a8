namespace Almyty.Domain.Usage;

/// <summary>USD per million input and output tokens.</summary>
public sealed record ModelPrice(decimal InputPer1M, decimal OutputPer1M)
{
    /// <summary>The decimal places money is kept to, in responses and in the database alike, so sums stay exact.</summary>
    public const int CostScale = 16;

    private const decimal Million = 1_000_000m;

    public decimal CostOf(long inputTokens, long outputTokens) =>
        RoundCost((inputTokens * InputPer1M / Million) + (outputTokens * OutputPer1M / Million));

    public static decimal RoundCost(decimal cost) => Math.Round(cost, CostScale, MidpointRounding.ToEven);
}
