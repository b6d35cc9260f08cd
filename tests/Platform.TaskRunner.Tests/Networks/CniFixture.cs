using System.Net;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Networks;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Tests.Service;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// A <see cref="TaskFixture"/> whose runner attaches tasks through CNI inside the suite's own network namespace
/// (<see cref="HostSide"/>): nothing is made on, and no traffic goes through, the machine's interfaces.
/// </summary>
[SupportedOSPlatform("linux")]
public class CniFixture : TaskFixture
{
    public TestNetns HostSide { get; } = new();

    /// <summary>The temporary directory's default network (part 1's real directory creates it on first use).</summary>
    public const string Network = NetworkLabels.DefaultName;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TaskRunner:Networks:HostNamespace"] = HostSide.Path,
    };

    public string NetworksDir => Path.Combine(DataRoot, "networks");

    /// <summary>host-local's lease files of the network: one per address handed out (its lock and cursor files left out).</summary>
    public IReadOnlyList<string> Leases()
    {
        // host-local keeps one folder per CNI network (named by the network's id) under the runner's ipam folder.
        var dir = Path.Combine(NetworksDir, "ipam");
        return Directory.Exists(dir)
            ? [.. Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Where(f => IPAddress.TryParse(f, out _))!]
            : [];
    }

    public IReadOnlyList<string> NetnsFiles() =>
        Directory.Exists(Path.Combine(NetworksDir, "netns")) ? [.. Directory.EnumerateFiles(Path.Combine(NetworksDir, "netns"), "*", SearchOption.AllDirectories)] : [];

    public IReadOnlyList<string> AttachmentFiles() =>
        Directory.Exists(Path.Combine(NetworksDir, "attachments")) ? [.. Directory.EnumerateFiles(Path.Combine(NetworksDir, "attachments"), "*", SearchOption.AllDirectories)] : [];

    /// <summary>Creates and starts the task of a new container labelled to join <paramref name="network"/>.</summary>
    public Task<TaskInfo> RunOnAsync(string network, string id, params string[] args) => RunOnAsync(network, id, args, null);

    /// <summary>As above, with more container labels (published ports, say).</summary>
    public async Task<TaskInfo> RunOnAsync(string network, string id, string[] args, IReadOnlyDictionary<string, string>? labels)
    {
        var all = new Dictionary<string, string>(labels ?? new Dictionary<string, string>()) { [NetworkLabels.Network] = network };
        await ContainerAsync(id, args, null, labels: all);
        await Runc.Tasks.CreateAsync(id, Namespace);
        return await Runc.Tasks.StartAsync(id, Namespace);
    }

    /// <summary>The task's address on its network, from the cached ADD result.</summary>
    public string AddressOf(string id)
    {
        var cidr = (string)Attachment(id).Result!["ips"]![0]!["address"]!;
        return cidr[..cidr.IndexOf('/')];
    }

    /// <summary>The task's attachment record, with the ADD's result.</summary>
    public AttachmentRecord Attachment(string id)
    {
        var attachment = Services.GetRequiredService<TaskNetworks>().Read(new TaskHandle(Namespace, id, "runc"));
        Assert.NotNull(attachment);
        Assert.NotNull(attachment.Result);
        return attachment;
    }

    /// <summary>A busybox web server answering <c>hello-{id}</c> on port 8080.</summary>
    public static string[] WebServer(string id) =>
        ["sh", "-c", $"busybox mkdir -p /tmp/www && echo hello-{id} > /tmp/www/index.html && exec busybox httpd -f -p 8080 -h /tmp/www"];

    public async Task StopAsync(string id)
    {
        await Runc.Tasks.KillAsync(id, signal: 9, @namespace: Namespace, cancellationToken: TestContext.Current.CancellationToken);
        await WaitAsync(id);
        await GoneAsync(id);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        HostSide.Dispose();
    }
}
