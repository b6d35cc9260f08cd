using System.Runtime.Versioning;
using System.Text.Json;
using Platform.Cli.Commands.Tasks;
using Platform.Common.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>stats</c>, <c>tasks top</c> and the limits <c>tasks get</c> shows, against real containers (runc, conmon, busybox-static).</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_observes_running_tasks(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly Scratch _scratch = new();

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    private string Rootfs() => BusyboxRootfs.Create(_scratch.Folder("rootfs-" + Guid.NewGuid().ToString("N")[..8]));

    [Fact]
    public async Task Stats_no_stream_prints_one_json_line_per_task_with_its_limit_and_cpu_percent()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "--memory", "48m", "--pids-limit", "30", "watched", "--", "sh", "-c", "while :; do :; done");
        try
        {
            var lines = (await OkAsync(ctl, "stats", "--no-stream", "--format", "json", "watched")).Lines;

            var stats = JsonSerializer.Deserialize<JsonElement>(Assert.Single(lines));
            Assert.Equal("watched", stats.GetProperty("containerId").GetString());
            Assert.Equal(48L << 20, stats.GetProperty("memoryLimitBytes").GetInt64());
            Assert.True(stats.GetProperty("memoryUsageBytes").GetInt64() > 0);
            Assert.Equal(1, stats.GetProperty("pids").GetInt64());
            Assert.Equal(30, stats.GetProperty("pidsLimit").GetInt64());
            // Two samples a second apart of a task that never stops computing.
            Assert.True(stats.GetProperty("cpuPercent").GetDouble() > 0, lines[0]);
            Assert.InRange(stats.GetProperty("memoryPercent").GetDouble(), 0.0001, 100);

            var table = (await OkAsync(ctl, "stats", "--no-stream")).Lines;
            Assert.Matches(@"^CONTAINER\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+NET I/O\s+BLOCK I/O\s+PIDS$", table[0]);
            Assert.Matches(@"^watched\s+\d+\.\d\d%\s+\S+ / 48MiB\s+\d+\.\d\d%\s+\S+ / \S+\s+\S+ / \S+\s+1$", Assert.Single(table[1..]));

            var limits = Output.Block((await OkAsync(ctl, "tasks", "get", "watched")).Stdout)["Limits"];
            Assert.Equal("memory=48.0 MiB memory-swap=96.0 MiB pids-limit=30", limits);
            var listed = Output.Json((await OkAsync(ctl, "-o", "json", "tasks", "ls")).Stdout)[0];
            Assert.Equal(48L << 20, listed.GetProperty("resources").GetProperty("memoryBytes").GetInt64());
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "watched", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "watched");
        }
    }

    [Fact]
    public async Task Tasks_top_lists_the_sleep_inside_with_its_command_line()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "topped", "--", "sh", "-c", "sleep 600 & wait");
        try
        {
            List<string[]> rows = [];
            await Eventually.TrueAsync(async () =>
            {
                rows = Output.Table((await OkAsync(ctl, "tasks", "top", "topped")).Stdout, "PID", "USER", "TIME", "CMD");
                return rows.Count == 2;
            }, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(20), "the shell and its sleep should both be listed");

            Assert.Contains(rows, r => r[1] == "root" && r[3] == "sleep 600");
            Assert.Contains(rows, r => r[3] == "sh -c sleep 600 & wait");

            var chosen = Output.Table((await OkAsync(ctl, "tasks", "top", "topped", "--", "-o", "cpid,comm")).Stdout, "CPID", "COMMAND");
            Assert.Contains(["1", "sh"], chosen);
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "topped", "--signal", "KILL", "--all");
            await OkAsync(ctl, "tasks", "wait", "topped");
        }
    }

    [Fact]
    public async Task Stats_of_a_container_without_a_task_is_not_found()
    {
        var ctl = Ctl();
        var result = await ctl.RunAsync("stats", "--no-stream", "nothing-here");
        Assert.Equal(ExitCodes.For(Platform.Contracts.ErrorKind.NotFound), result.ExitCode);
        Assert.Contains("nothing-here", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData(new string[0], new[] { "PID", "USER", "TIME", "CMD" })]
    [InlineData(new[] { "-ef" }, new[] { "UID", "PID", "PPID", "STIME", "TIME", "CMD" })]
    [InlineData(new[] { "aux" }, new[] { "USER", "PID", "VSZ", "RSS", "STAT", "STIME", "TIME", "CMD" })]
    [InlineData(new[] { "-eo", "pid,comm,args" }, new[] { "PID", "COMMAND", "CMD" })]
    [InlineData(new[] { "-opid,state" }, new[] { "PID", "STAT" })]
    public void Ps_options_choose_the_columns(string[] options, string[] headers) =>
        Assert.Equal(headers, TopColumns.Parse(options).Columns.Select(c => c.Header));

    [Theory]
    [InlineData("-L")]
    [InlineData("-o", "pid,nice")]
    [InlineData("-o")]
    public void Unknown_ps_options_are_refused_naming_them(params string[] options)
    {
        var e = Assert.Throws<PlatformException>(() => TopColumns.Parse(options));
        Assert.Equal(Platform.Contracts.ErrorKind.InvalidArgument, e.Kind);
        Assert.StartsWith("tasks top:", e.Message);
    }

    [Fact]
    public void Cpu_time_reads_as_ps_prints_it() =>
        Assert.Equal(("00:00:03", "01:01:01", "2-00:00:00"),
            (TopColumns.CpuTime(3000), TopColumns.CpuTime(3_661_000), TopColumns.CpuTime(2 * 86_400_000)));

    public void Dispose() => _scratch.Dispose();
}
