namespace Platform.Bench;

/// <summary>The image benchmark's figure lines: <c>name: value unit (how it was measured)</c>, and "not measured" lines.</summary>
public static class FigureLines
{
    public static double Rate(string name, List<TimeSpan> times, long bytes, string what)
    {
        var median = Median(times);
        var rate = bytes / 1e6 / median;
        Console.WriteLine($"{name}: {rate:0.0} MB/s (median {median:0.00} s of {times.Count} for {bytes / 1e6:0.0} MB: {string.Join(", ", times.Select(t => $"{t.TotalSeconds:0.00}"))} s; {what})");
        return rate;
    }

    public static double? Duration(string name, List<TimeSpan> times, string what)
    {
        if (times.Count == 0)
            return NotMeasured(name, "no round ran");
        var median = Median(times);
        Console.WriteLine($"{name}: {median:0.00} s (median of {times.Count}: {string.Join(", ", times.Select(t => $"{t.TotalSeconds:0.00}"))} s; {what})");
        return median;
    }

    public static double? Latency(string name, List<TimeSpan> times, string what)
    {
        var sorted = times.Select(t => t.TotalMilliseconds).Order().ToArray();
        var p50 = Measure.Percentile(sorted, 0.50);
        Console.WriteLine($"{name}: p50 {p50:0} ms, p90 {Measure.Percentile(sorted, 0.90):0} ms, min {sorted[0]:0} ms ({sorted.Length} runs; {what})");
        return p50;
    }

    public static double? NotMeasured(string name, string why)
    {
        Console.WriteLine($"{name}: not measured ({why})");
        return null;
    }

    public static void Ratio(string name, double? ours, double? theirs)
    {
        if (ours is not null && theirs is not null)
            Console.WriteLine($"{name}: {ours / theirs:0.00} x (MB/s; above 1 is faster than the reference)");
    }

    public static double Median(List<TimeSpan> times)
    {
        var sorted = times.Select(t => t.TotalSeconds).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
