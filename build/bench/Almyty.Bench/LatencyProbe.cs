using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Almyty.Bench;

/// <summary>
/// Latency of one request at a time on one kept-alive connection: until the whole answer, and for a stream until
/// its first content. Sequential on purpose: it measures what one caller waits, not throughput (wrk does that).
/// </summary>
/// <remarks>
/// The warm-up lasts at least <c>--warmup-seconds</c> as well as <c>--warmup</c> requests. This client is .NET too:
/// until its own tiered JIT has settled, its background compilation takes one of the machine's cores from the
/// processes being measured, and the measured tail would be the client's.
/// </remarks>
internal static class LatencyProbe
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var url = new Uri(args.Required("url"));
        var body = args.Required("body");
        var count = args.Int("count", 1000);
        var warmup = args.Int("warmup", 200);
        var warmupTime = TimeSpan.FromSeconds(args.Int("warmup-seconds", 0));
        var stream = args.Flag("stream");
        var firstMarker = Encoding.UTF8.GetBytes(args.Optional("first-marker") ?? string.Empty);
        var endMarker = Encoding.UTF8.GetBytes(args.Optional("end-marker") ?? string.Empty);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var headers = args.All("header").Select(h => (Name: h[..h.IndexOf(':', StringComparison.Ordinal)].Trim(), Value: h[(h.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToArray();

        var first = new List<double>(count);
        var total = new List<double>(count);
        var overhead = new List<double>(count);
        var errors = 0;
        var buffer = new byte[64 * 1024];
        var warmupStarted = Stopwatch.GetTimestamp();
        var warmedUp = 0;
        while (warmedUp < warmup || Stopwatch.GetElapsedTime(warmupStarted) < warmupTime)
        {
            await SendAsync(measured: false);
            warmedUp++;
        }

        for (var i = 0; i < count; i++)
        {
            await SendAsync(measured: true);
        }

        Console.WriteLine(string.Join('\t',
            count.ToString(CultureInfo.InvariantCulture),
            errors.ToString(CultureInfo.InvariantCulture),
            Percentile(first, 50), Percentile(first, 90), Percentile(first, 99),
            Percentile(total, 50), Percentile(total, 90), Percentile(total, 99),
            Percentile(overhead, 50), Percentile(overhead, 99)));
        return errors == 0 ? 0 : 1;

        async Task SendAsync(bool measured)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
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
                    if (firstAt is null && stream && seen.GetBuffer().AsSpan(0, (int)seen.Length).IndexOf(firstMarker) >= 0)
                    {
                        firstAt = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }
                }

                var all = seen.GetBuffer().AsSpan(0, (int)seen.Length);
                ok = response.StatusCode == HttpStatusCode.OK && (!stream || (firstAt is not null && all.IndexOf(endMarker) >= 0));
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!measured)
            {
                return;
            }

            if (!ok)
            {
                errors++;
                return;
            }

            total.Add(elapsed);
            if (firstAt is { } f)
            {
                first.Add(f);
            }

            if (overheadMs is { } o)
            {
                overhead.Add(o);
            }
        }
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
