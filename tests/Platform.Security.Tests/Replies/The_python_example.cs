using System.Diagnostics;
using Platform.Contracts;
using Platform.Contracts.Users;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>
/// The README's "publishing by hand" has a worked example in Python (tools/examples/create_container.py, pika only); it
/// runs here against a real stack, so a client following the README gets its replies.
/// </summary>
public sealed class The_python_example(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("from-python", false, false)]
    [InlineData("from-python-direct", true, false)]
    // As a user rather than the services' own (exempt) user: server-named queues and direct reply-to are a user's to name.
    [InlineData("from-python-user", false, true)]
    [InlineData("from-python-user-direct", true, true)]
    public async Task Creates_a_container_and_reads_a_NotFound_by_name(string id, bool directReplyTo, bool asUser)
    {
        var client = fixture.Client;
        await using var user = asUser ? await BrokerUsers.CreateAsync("python") : null;
        if (user is not null)
        {
            // Privileged: the example's bare spec is for the README, not for the runtime policy of an unprivileged namespace.
            await client.Users.CreateAsync(new CreateUser
            {
                Name = user.Name, Grants = [new UserGrant { Namespace = Namespaces.Default, Role = NamespaceRole.ReadWrite, Privileged = true }],
            }, Ct);
        }
        var python = PythonWithPika();
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoRoot(), "tools", "examples", "create_container.py"));
        start.ArgumentList.Add(id);
        if (directReplyTo)
            start.ArgumentList.Add("--direct-reply-to");
        start.Environment["PLATFORM_BUS"] = (user?.BusUri ?? Requirements.BusUri).ToString();
        start.Environment["PLATFORM_QUEUE_PREFIX"] = fixture.Prefix;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{python} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"the example failed ({process.ExitCode}):\n{output}\n{await stderr}");
        Assert.Contains($"created container {id} in default (version 1, labels {{\"made-by\": \"python\"}})", output);
        Assert.Contains("get-container no-such-container: NotFound: ", output);
        var created = await client.Containers.GetAsync(id, cancellationToken: Ct);
        Assert.Equal("python", created.Labels["made-by"]);
        Assert.Contains("\"ociVersion\"", created.Spec);
    }

    /// <summary>
    /// A python3 that has pika (Debian's python3-pika, which ./build.sh installs, is for /usr/bin/python3; a python3 earlier
    /// on PATH, such as pyenv's, may lack it). Fails under CI, skips elsewhere, when there is none.
    /// </summary>
    private static string PythonWithPika()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import pika"]) { RedirectStandardError = true });
                if (probe is not null && probe.WaitForExit(TimeSpan.FromSeconds(20)) && probe.ExitCode == 0)
                    return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed under that name
            }
        }
        const string message = "python3 with pika is needed to run the README's Python example: apt-get install -y python3-pika (./build.sh installs it)";
        if (Requirements.InCi)
            Assert.Fail(message);
        Assert.Skip(message);
        return "";
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Platform.sln above {AppContext.BaseDirectory}");
    }
}
