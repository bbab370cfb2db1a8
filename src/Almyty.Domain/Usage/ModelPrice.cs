namespace Almyty.Domain.Usage;

/// <summary>USD per million input and output tokens.</summary>
public sealed record ModelPrice(decimal InputPer1M, decimal OutputPer1M)
{
    private const decimal Million = 1_000_000m;

    public decimal CostOf(long inputTokens, long outputTokens) =>
        (inputTokens * InputPer1M / Million) + (outputTokens * OutputPer1M / Million);
}
