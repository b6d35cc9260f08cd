namespace Platform.Bench;

/// <summary>
/// Figures of Platform and its references gathered round by round, printed as medians: per figure one line per side,
/// <c>NAME.SIDE: VALUE UNIT (…)</c>, then <c>NAME.ratio-to-SIDE: R x (…)</c> for each reference, where R is always
/// Platform's value divided by the reference's (for ops/s 1 or more is Platform at or above; for ms 1 or less is).
/// </summary>
public sealed class SideBySideFigures
{
    public const string Platform = "platform";

    private readonly List<string> _order = [];
    private readonly Dictionary<string, Figure> _figures = [];

    /// <summary>Adds one round's value of figure <paramref name="name"/> for <paramref name="side"/> (<see cref="Platform"/> or a reference).</summary>
    /// <param name="unit"><c>ops/s</c> (higher is better) or <c>ms</c> (lower is better).</param>
    public void Add(string name, string side, double value, string unit)
    {
        if (!_figures.TryGetValue(name, out var figure))
        {
            _figures[name] = figure = new Figure(unit);
            _order.Add(name);
        }
        if (figure.Unit != unit)
            throw new ArgumentException($"{name} is in {figure.Unit}, not {unit}");
        if (!figure.Sides.TryGetValue(side, out var values))
        {
            figure.Sides[side] = values = [];
            figure.SideOrder.Add(side);
        }
        values.Add(value);
    }

    /// <summary>Prints every figure in the order first added; <paramref name="what"/> names what a value is (e.g. "rounds").</summary>
    public void Print(string what)
    {
        foreach (var name in _order)
        {
            var figure = _figures[name];
            foreach (var side in figure.SideOrder)
            {
                var values = figure.Sides[side];
                var spread = values.Count <= 5
                    ? string.Join(", ", values.Select(v => Format(v, figure.Unit)))
                    : $"min {Format(values.Min(), figure.Unit)}, max {Format(values.Max(), figure.Unit)}";
                Console.WriteLine($"{name}.{side}: {Format(Median(values), figure.Unit)} {figure.Unit} (median of {values.Count} {what}: {spread})");
            }
            if (!figure.Sides.TryGetValue(Platform, out var ours))
                continue;
            var better = figure.Unit == "ms" ? "1 or less" : "1 or more";
            foreach (var side in figure.SideOrder.Where(s => s != Platform))
                Console.WriteLine($"{name}.ratio-to-{side}: {Median(ours) / Median(figure.Sides[side]):0.00} x ({figure.Unit}, Platform ÷ {side}; {better} is Platform at or above {side})");
        }
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Format(double value, string unit) => unit switch
    {
        "ms" when value < 10 => $"{value:0.00}",
        "ms" => $"{value:0.0}",
        _ when value < 100 => $"{value:0.0}",
        _ => $"{value:0}",
    };

    private sealed record Figure(string Unit)
    {
        public Dictionary<string, List<double>> Sides { get; } = [];

        public List<string> SideOrder { get; } = [];
    }
}
