using Almyty.Bench;

return args switch
{
    ["upstream", .. var rest] => await FakeUpstream.RunAsync(BenchArguments.Parse(rest)),
    ["latency", .. var rest] => await LatencyProbe.RunAsync(BenchArguments.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        Almyty.Bench upstream --port N [--chunks N] [--chunk-delay-ms N]
            A fake OpenAI-compatible server on 127.0.0.1: POST /v1/chat/completions answers a fixed
            completion, or with "stream":true a server-sent event stream of --chunks content deltas
            (the first at once, the next --chunk-delay-ms apart), a usage chunk and [DONE].
        Almyty.Bench latency --url URL --body JSON [--header "Name: value"]... [--count N] [--warmup N]
                             [--warmup-seconds N] [--pause-ms N] [--stream --first-marker TEXT --end-marker TEXT]
                             [--baseline-url URL --baseline-body JSON [--baseline-header "Name: value"]...
                              [--baseline-first-marker TEXT --baseline-end-marker TEXT]]
            Sends the request, one after another on one connection: as a warm-up at least --warmup times
            and for at least --warmup-seconds, then --count times measured, and prints
            one tab-separated line: count errors first-p50 first-p90 first-p99 total-p50 total-p90 total-p99
            header-p50 header-p99 (milliseconds; "first" is the time until the body holds --first-marker,
            "header" the X-Almyty-Overhead-Ms values, "-" when absent). With a baseline, the baseline
            request and the request alternate (each on its own connection) and the baseline's line comes
            first. With --pause-ms, each request is sent that long after the answer before it, so that it
            meets processes that have gone idle rather than threads still busy from the request before.
            "measuring" goes to standard error when the warm-up is over.
        """);
    return 2;
}
