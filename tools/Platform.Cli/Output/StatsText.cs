using System.Globalization;
using Platform.Cli.Commands.Stats;

namespace Platform.Cli.Output;

/// <summary>
/// <c>stats</c> for people, docker's columns and units: memory in binary units (<c>1.5MiB</c>), network and block I/O in
/// decimal ones (<c>1.2kB</c>), <c>--</c> where this host can't tell.
/// </summary>
internal static class StatsText
{
    private static readonly string[] Binary = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    private static readonly string[] Decimal = ["B", "kB", "MB", "GB", "TB", "PB"];

    /// <summary>Clears a terminal and puts the cursor top left, as docker does between two frames.</summary>
    public const string ClearScreen = "\u001b[2J\u001b[H";

    public static Task WriteAsync(TextWriter output, IEnumerable<StatsRow> rows) =>
        TextTable.WriteAsync(output, ["CONTAINER", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"],
            rows.Select(r => new[]
            {
                r.Sample.ContainerId,
                Percent(r.CpuPercent),
                $"{Size(r.Sample.MemoryUsageBytes, Binary, 1024)} / {Size(r.Sample.MemoryLimitBytes, Binary, 1024)}",
                Percent(r.MemoryPercent),
                $"{Size(r.Sample.NetRxBytes, Decimal, 1000)} / {Size(r.Sample.NetTxBytes, Decimal, 1000)}",
                $"{Size(r.Sample.BlockReadBytes, Decimal, 1000)} / {Size(r.Sample.BlockWriteBytes, Decimal, 1000)}",
                r.Sample.PidsCurrent is { } pids ? pids.ToString(CultureInfo.InvariantCulture) : "--",
            }));

    public static string Percent(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "%" : "--";

    /// <summary>Three significant digits at most (docker's <c>HumanSizeWithPrecision(n, 3)</c>).</summary>
    public static string Size(long? bytes, string[] units, double step)
    {
        if (bytes is not { } b)
            return "--";
        var value = (double)b;
        var unit = 0;
        while (value >= step && unit < units.Length - 1)
        {
            value /= step;
            unit++;
        }
        return value.ToString("G3", CultureInfo.InvariantCulture) + units[unit];
    }
}
