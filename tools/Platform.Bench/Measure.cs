using System.Diagnostics;

namespace Platform.Bench;

/// <summary>Runs an operation many times, sequentially or from N concurrent callers, and reports rate and latency.</summary>
public static class Measure
{
    /// <param name="print">False to only return the result (a caller that prints medians of several rounds).</param>
    public static async Task<Result> RunAsync(string name, int count, int concurrency, Func<int, Task> operation, bool print = true)
    {
        var latencies = new double[count];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(i);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        total.Stop();
        Array.Sort(latencies);
        var result = new Result(name, count, count / total.Elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        if (print)
            result.Print();
        return result;
    }

    /// <summary>Prints <c>name.p50</c> and <c>name.p99</c> of the latencies (sorted in place); returns the p50.</summary>
    public static double Percentiles(string name, double[] latencies)
    {
        Array.Sort(latencies);
        Console.WriteLine($"{name}.p50: {Percentile(latencies, 0.50):0.00} ms");
        Console.WriteLine($"{name}.p99: {Percentile(latencies, 0.99):0.00} ms");
        return Percentile(latencies, 0.50);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public sealed record Result(string Name, int Count, double PerSecond, double P50, double P99)
    {
        public void Print()
        {
            Console.WriteLine($"{Name}.throughput: {PerSecond:0} ops/s");
            Console.WriteLine($"{Name}.p50: {P50:0.00} ms");
            Console.WriteLine($"{Name}.p99: {P99:0.00} ms");
        }
    }
}
