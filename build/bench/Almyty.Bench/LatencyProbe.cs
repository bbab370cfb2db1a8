using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Almyty.Bench;

/// <summary>
/// Latency of one request at a time on one kept-alive connection: until the whole answer, and for a stream until
/// its first content. Sequential on purpose: it measures what one caller waits, not throughput (wrk does that).
/// With a baseline (<c>--baseline-url</c> and the other <c>--baseline-</c> options) the two requests alternate, one
/// of each in turn, so that both see the same moments of the machine: a difference of the two is then the time the
/// measured path adds, not the difference between two stretches of time.
/// </summary>
/// <remarks>
/// The warm-up lasts at least <c>--warmup-seconds</c> as well as <c>--warmup</c> requests. This client is .NET too:
/// until its own tiered JIT has settled, its background compilation takes one of the machine's cores from the
/// processes being measured, and the measured tail would be the client's. "measuring" goes to standard error when
/// the warm-up is over, so that whoever samples the machine can sample the measured part alone.
/// </remarks>
internal static class LatencyProbe
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var count = args.Int("count", 1000);
        var warmup = args.Int("warmup", 200);
        var warmupTime = TimeSpan.FromSeconds(args.Int("warmup-seconds", 0));
        var pause = TimeSpan.FromMilliseconds(args.Int("pause-ms", 0));
        var stream = args.Flag("stream");
        var target = ProbeTarget.From(args, prefix: string.Empty, stream);
        ProbeTarget? baseline = args.Optional("baseline-url") is null ? null : ProbeTarget.From(args, prefix: "baseline-", stream);
        ProbeTarget[] targets = baseline is null ? [target] : [baseline, target];

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var buffer = new byte[64 * 1024];

        var warmupStarted = Stopwatch.GetTimestamp();
        for (var warmedUp = 0; warmedUp < warmup || Stopwatch.GetElapsedTime(warmupStarted) < warmupTime; warmedUp++)
        {
            foreach (var t in targets)
            {
                await PauseAsync(pause);
                await SendAsync(client, t, buffer, measured: false);
            }
        }

        Console.Error.WriteLine("measuring");
        for (var i = 0; i < count; i++)
        {
            foreach (var t in targets)
            {
                await PauseAsync(pause);
                await SendAsync(client, t, buffer, measured: true);
            }
        }

        foreach (var t in targets)
        {
            Console.WriteLine(t.Summary(count));
        }

        return targets.All(t => t.Errors == 0) ? 0 : 1;
    }

    private static Task PauseAsync(TimeSpan pause) => pause > TimeSpan.Zero ? Task.Delay(pause) : Task.CompletedTask;

    private static async Task SendAsync(HttpClient client, ProbeTarget target, byte[] buffer, bool measured)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new StringContent(target.Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var started = Stopwatch.GetTimestamp();
        double? firstAt = null;
        var ok = false;
        double? overheadMs = null;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.Headers.TryGetValues("X-Almyty-Overhead-Ms", out var values)
                && double.TryParse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                overheadMs = parsed;
            }

            await using var content = await response.Content.ReadAsStreamAsync();
            var seen = new MemoryStream();
            int read;
            while ((read = await content.ReadAsync(buffer)) > 0)
            {
                seen.Write(buffer, 0, read);
                if (firstAt is null && target.Stream && seen.GetBuffer().AsSpan(0, (int)seen.Length).IndexOf(target.FirstMarker) >= 0)
                {
                    firstAt = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            var all = seen.GetBuffer().AsSpan(0, (int)seen.Length);
            ok = response.StatusCode == HttpStatusCode.OK && (!target.Stream || (firstAt is not null && all.IndexOf(target.EndMarker) >= 0));
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException)
        {
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (measured)
        {
            target.Record(ok, elapsed, firstAt, overheadMs);
        }
    }

    /// <summary>One request the probe sends, and what it measured of it.</summary>
    private sealed class ProbeTarget
    {
        private readonly List<double> _first = [];
        private readonly List<double> _total = [];
        private readonly List<double> _overhead = [];

        private ProbeTarget(Uri url, string body, (string Name, string Value)[] headers, bool stream, byte[] firstMarker, byte[] endMarker)
        {
            Url = url;
            Body = body;
            Headers = headers;
            Stream = stream;
            FirstMarker = firstMarker;
            EndMarker = endMarker;
        }

        public Uri Url { get; }

        public string Body { get; }

        public (string Name, string Value)[] Headers { get; }

        public bool Stream { get; }

        public byte[] FirstMarker { get; }

        public byte[] EndMarker { get; }

        public int Errors { get; private set; }

        public static ProbeTarget From(BenchArguments args, string prefix, bool stream) => new(
            new Uri(args.Required(prefix + "url")),
            args.Required(prefix + "body"),
            args.All(prefix + "header").Select(ParseHeader).ToArray(),
            stream,
            Encoding.UTF8.GetBytes(args.Optional(prefix + "first-marker") ?? string.Empty),
            Encoding.UTF8.GetBytes(args.Optional(prefix + "end-marker") ?? string.Empty));

        public void Record(bool ok, double elapsed, double? firstAt, double? overheadMs)
        {
            if (!ok)
            {
                Errors++;
                return;
            }

            _total.Add(elapsed);
            if (firstAt is { } f)
            {
                _first.Add(f);
            }

            if (overheadMs is { } o)
            {
                _overhead.Add(o);
            }
        }

        public string Summary(int count) => string.Join('\t',
            count.ToString(CultureInfo.InvariantCulture),
            Errors.ToString(CultureInfo.InvariantCulture),
            Percentile(_first, 50), Percentile(_first, 90), Percentile(_first, 99),
            Percentile(_total, 50), Percentile(_total, 90), Percentile(_total, 99),
            Percentile(_overhead, 50), Percentile(_overhead, 99));

        private static (string Name, string Value) ParseHeader(string header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            return (header[..colon].Trim(), header[(colon + 1)..].Trim());
        }

        private static string Percentile(List<double> values, int percentile)
        {
            if (values.Count == 0)
            {
                return "-";
            }

            values.Sort();
            var rank = (int)Math.Ceiling(percentile / 100.0 * values.Count) - 1;
            return values[Math.Clamp(rank, 0, values.Count - 1)].ToString("0.000", CultureInfo.InvariantCulture);
        }
    }
}
