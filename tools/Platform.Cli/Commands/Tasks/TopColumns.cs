using System.Globalization;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Tasks;

/// <summary>
/// The columns of <c>tasks top</c>, chosen with a subset of <c>ps</c>'s options: none (PID USER TIME CMD), <c>-f</c>
/// (UID PID PPID STIME TIME CMD), <c>u</c>/<c>aux</c> (USER PID VSZ RSS STAT START TIME COMMAND), <c>-o LIST</c> (pid,
/// ppid, cpid, user, uid, stat, time, stime, rss, vsz, comm, args). Process selection (<c>-e -A -a -x</c>) is accepted
/// and changes nothing: every process of the task is listed.
/// </summary>
internal sealed record TopColumns(IReadOnlyList<TopColumns.Column> Columns)
{
    public sealed record Column(string Header, Func<TopProcess, string> Value);

    private static readonly Dictionary<string, Column> Catalog = new(StringComparer.Ordinal)
    {
        ["pid"] = new("PID", p => Number(p.Pid)),
        ["ppid"] = new("PPID", p => Number(p.ParentPid)),
        ["cpid"] = new("CPID", p => p.ContainerPid is { } c ? Number(c) : "-"),
        ["user"] = new("USER", p => p.User ?? Number(p.Uid)),
        ["uid"] = new("UID", p => Number(p.Uid)),
        ["stat"] = new("STAT", p => p.State),
        ["time"] = new("TIME", p => CpuTime(p.CpuTimeMs)),
        ["stime"] = new("STIME", p => p.StartedAt is { } t ? t.ToUniversalTime().ToString("HH:mm", CultureInfo.InvariantCulture) : "-"),
        ["rss"] = new("RSS", p => Number(p.RssBytes / 1024)),
        ["vsz"] = new("VSZ", p => Number(p.VszBytes / 1024)),
        ["comm"] = new("COMMAND", p => p.Command),
        ["args"] = new("CMD", p => p.Args.Count > 0 ? string.Join(' ', p.Args) : $"[{p.Command}]"),
    };

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["state"] = "stat", ["s"] = "stat", ["cputime"] = "time", ["start"] = "stime", ["start_time"] = "stime", ["lstart"] = "stime",
        ["vsize"] = "vsz", ["rssize"] = "rss", ["ucomm"] = "comm", ["cmd"] = "args", ["command"] = "args", ["euser"] = "user", ["ruser"] = "user",
    };

    private static readonly string[] Default = ["pid", "user", "time", "args"];
    private static readonly string[] Full = ["uid", "pid", "ppid", "stime", "time", "args"];
    private static readonly string[] User = ["user", "pid", "vsz", "rss", "stat", "stime", "time", "args"];

    /// <summary>The columns <paramref name="options"/> ask for; InvalidArgument naming an option or column this doesn't know.</summary>
    public static TopColumns Parse(IReadOnlyList<string> options)
    {
        string[]? chosen = null;
        var names = new List<string>();
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            var dashed = option.StartsWith('-');
            var letters = dashed ? option[1..] : option;
            for (var j = 0; j < letters.Length; j++)
            {
                switch (letters[j])
                {
                    case 'e' or 'A' or 'a' or 'x':
                        break;
                    case 'f' when dashed:
                        chosen = Full;
                        break;
                    case 'u' when !dashed:
                        chosen = User;
                        break;
                    case 'o':
                        var list = j + 1 < letters.Length ? letters[(j + 1)..] : i + 1 < options.Count ? options[++i] : null;
                        if (string.IsNullOrEmpty(list))
                            throw PlatformException.InvalidArgument("tasks top: -o needs a list of columns, e.g. -o pid,user,args");
                        names.AddRange(list.Split(',', StringSplitOptions.RemoveEmptyEntries));
                        j = letters.Length;
                        break;
                    default:
                        throw PlatformException.InvalidArgument(
                            $"tasks top: ps option '{option}' is not supported (supported: -e, -f, -o LIST, aux; columns: {string.Join(',', Catalog.Keys)})");
                }
            }
        }
        var keys = names.Count > 0 ? names.Select(Resolve).ToArray() : chosen ?? Default;
        return new TopColumns(keys.Select(k => Catalog[k]).ToList());
    }

    private static string Resolve(string name)
    {
        var key = name.Split('=')[0].ToLowerInvariant();
        key = Aliases.GetValueOrDefault(key, key);
        return Catalog.ContainsKey(key)
            ? key
            : throw PlatformException.InvalidArgument($"tasks top: unknown column '{name}' (known: {string.Join(',', Catalog.Keys)})");
    }

    /// <summary>ps's TIME: <c>[DD-]HH:MM:SS</c>.</summary>
    public static string CpuTime(long milliseconds)
    {
        var time = TimeSpan.FromMilliseconds(milliseconds);
        var clock = $"{time.Hours:00}:{time.Minutes:00}:{time.Seconds:00}";
        return time.Days > 0 ? $"{time.Days}-{clock}" : clock;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
