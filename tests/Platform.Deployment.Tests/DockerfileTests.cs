using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace Platform.Deployment.Tests;

/// <summary>
/// The Dockerfiles can't be built here (no Docker engine). These checks catch what breaks them silently:
/// a moved or renamed project, a renamed assembly, a project reference outside the folders copied in.
/// </summary>
public sealed partial class The_dockerfiles
{
    public static TheoryData<string, string> Hosts => new()
    {
        { "services/Platform.Metadata.Host/Dockerfile", "services/Platform.Metadata.Host/Platform.Metadata.Host.csproj" },
        { "services/Platform.Daemon/Dockerfile", "services/Platform.Daemon/Platform.Daemon.csproj" },
        { "services/Platform.ResourceGc.Host/Dockerfile", "services/Platform.ResourceGc.Host/Platform.ResourceGc.Host.csproj" },
        { "services/Platform.TaskRunner.Host/Dockerfile", "services/Platform.TaskRunner.Host/Platform.TaskRunner.Host.csproj" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Publish_a_host_project_that_exists(string dockerfile, string hostProject)
    {
        var instructions = Instructions(dockerfile);
        var projects = instructions.SelectMany(i => ProjectPath().Matches(i.Arguments).Select(m => m.Value)).Distinct().ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, p => Assert.True(File.Exists(Repo.PathOf(p)), $"{dockerfile} names {p}, which does not exist"));
        Assert.Contains(instructions, i => i.Name == "RUN" && i.Arguments.Contains("dotnet publish " + hostProject, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Copy_only_paths_that_exist_and_every_project_the_host_needs(string dockerfile, string hostProject)
    {
        var sources = Instructions(dockerfile)
            .Where(i => i.Name == "COPY" && !i.Arguments.Contains("--from", StringComparison.Ordinal))
            .SelectMany(i => CopySources(i.Arguments))
            .ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.True(File.Exists(Repo.PathOf(s)) || Directory.Exists(Repo.PathOf(s)),
            $"{dockerfile} copies {s}, which does not exist"));

        foreach (var project in ProjectClosure(hostProject))
        {
            Assert.True(sources.Any(s => project == s || project.StartsWith(s.TrimEnd('/') + "/", StringComparison.Ordinal)),
                $"{dockerfile} does not copy {project}, which {hostProject} needs");
        }
        Assert.Contains("Directory.Packages.props", sources); // central package versions: restore fails without it
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Build_on_the_sdk_run_on_the_runtime_and_start_the_host_assembly(string dockerfile, string hostProject)
    {
        var instructions = Instructions(dockerfile);
        var from = instructions.Where(i => i.Name == "FROM").Select(i => i.Arguments.Split(' ')[0]).ToList();
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/runtime:10.0"], from);

        var assembly = XDocument.Load(Repo.PathOf(hostProject)).Descendants("AssemblyName").Single().Value;
        var entrypoint = instructions.Last(i => i.Name == "ENTRYPOINT").Arguments;
        Assert.Equal($"[\"dotnet\", \"{assembly}.dll\"]", entrypoint);
    }

    [Fact]
    public void Leave_build_output_and_local_state_out_of_the_context()
    {
        var ignored = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".run/", ignored);
        Assert.Contains(".git/", ignored);
    }

    private sealed record Instruction(string Name, string Arguments);

    /// <summary>The instructions of a Dockerfile, continuation lines joined, comments dropped.</summary>
    private static List<Instruction> Instructions(string dockerfile)
    {
        var result = new List<Instruction>();
        var current = "";
        foreach (var raw in Repo.Read(dockerfile).Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
                continue;
            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }
            current += line;
            var space = current.IndexOf(' ');
            if (space > 0)
                result.Add(new Instruction(current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            current = "";
        }
        Assert.NotEmpty(result);
        return result;
    }

    private static IEnumerable<string> CopySources(string arguments)
    {
        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
        return parts.Take(parts.Count - 1); // the last one is the destination
    }

    /// <summary>The project and every project it references, transitively, as paths from the repository root.</summary>
    private static SortedSet<string> ProjectClosure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
                continue;
            var directory = Path.GetDirectoryName(Repo.PathOf(current))!;
            foreach (var reference in XDocument.Load(Repo.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }
        return seen;
    }

    [GeneratedRegex(@"[A-Za-z0-9_./-]+\.csproj")]
    private static partial Regex ProjectPath();
}
