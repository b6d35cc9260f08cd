using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>
/// The README's "Quick start" block, line by line and in order, as a new user types it: <c>./platformctl</c>
/// lines run the CLI against the fixture's services, <c>./build.sh</c> lines run the script (except <c>up</c>:
/// the fixture is the running platformd). Paths under <c>.run/</c> are re-rooted in a scratch folder. A line's
/// comment states what it promises: <c>exits N</c> (else 0) and <c>prints TEXT</c>.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class When_a_user_follows_the_readme_quick_start(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly Scratch _scratch = new();

    [Fact]
    public async Task Every_line_does_what_its_comment_says()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var lines = QuickStartLines(File.ReadAllText(Path.Combine(RepoRoot, "README.md")));
        Assert.Contains(lines, l => l.StartsWith("./platformctl", StringComparison.Ordinal));

        foreach (var line in lines)
        {
            var (command, comment) = SplitComment(line);
            var words = ShellWords(command).Select(w => w.StartsWith(".run/", StringComparison.Ordinal) ? Path.Combine(_scratch.Root, w) : w).ToArray();
            var expectedExit = ExitsRegex().Match(comment) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
            var expectedText = PrintsRegex().Match(comment) is { Success: true } p ? p.Groups[1].Value.Trim() : null;
            CliResult result;
            if (words[0] == "./build.sh")
            {
                if (words[1] == "up")
                    continue; // the fixture runs the services
                result = await RunScriptAsync(words);
            }
            else
            {
                Assert.Equal("./platformctl", words[0]);
                result = await ctl.RunAsync(words[1..]);
            }
            Assert.True(result.ExitCode == expectedExit, $"README line `{line}` should exit {expectedExit}: {result}");
            if (expectedText is not null)
                Assert.True(result.Stdout.Contains(expectedText, StringComparison.Ordinal), $"README line `{line}` should print \"{expectedText}\": {result}");
        }
    }

    /// <summary>The lines of the first sh block under "## Quick start".</summary>
    public static IReadOnlyList<string> QuickStartLines(string readme)
    {
        var section = readme.IndexOf("\n## Quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no \"## Quick start\" section");
        var start = readme.IndexOf("```sh\n", section, StringComparison.Ordinal) + "```sh\n".Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static (string Command, string Comment) SplitComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            if (quote != '\0')
            {
                if (line[i] == quote)
                    quote = '\0';
            }
            else if (line[i] is '\'' or '"')
                quote = line[i];
            else if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
                return (line[..i].Trim(), line[(i + 1)..].Trim());
        }
        return (line.Trim(), "");
    }

    /// <summary>Words as sh splits them: blanks separate, single and double quotes group (no expansions).</summary>
    public static List<string> ShellWords(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        Assert.True(quote == '\0', $"unbalanced quote in `{command}`");
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    private static async Task<CliResult> RunScriptAsync(string[] words)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoRoot, "build.sh")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        foreach (var w in words[1..])
            start.ArgumentList.Add(w);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Platform.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\bexits (\d+)")]
    private static partial Regex ExitsRegex();

    [GeneratedRegex(@"\bprints ([^,]+)")]
    private static partial Regex PrintsRegex();

    public void Dispose() => _scratch.Dispose();
}
