using System.Runtime.Versioning;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// A <see cref="CniFixture"/> whose plugin path is a folder of the test's own: links to Debian's plugins, which a
/// test may take away or replace (plugins are looked up on every call).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PluginFolderFixture : CniFixture
{
    public static readonly string[] Plugins = ["bridge", "host-local", "loopback", "portmap", "firewall"];

    public PluginFolderFixture()
    {
        PluginDir = Directory.CreateTempSubdirectory("cni-plugins-").FullName;
        foreach (var plugin in Plugins)
            Restore(plugin);
    }

    public string PluginDir { get; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["TaskRunner:Networks:PluginPath"] = PluginDir,
    };

    public void Remove(string plugin) => File.Delete(Path.Combine(PluginDir, plugin));

    public void Restore(string plugin)
    {
        Remove(plugin);
        File.CreateSymbolicLink(Path.Combine(PluginDir, plugin), Path.Combine("/usr/lib/cni", plugin));
    }

    /// <summary>Replaces <paramref name="plugin"/> with a script whose ADD fails with the spec's error object.</summary>
    public void Fail(string plugin, string message)
    {
        Remove(plugin);
        var path = Path.Combine(PluginDir, plugin);
        File.WriteAllText(path, $$"""
            #!/bin/sh
            cat > /dev/null
            if [ "$CNI_COMMAND" = ADD ]; then
              echo '{"cniVersion":"1.0.0","code":100,"msg":"{{message}}"}'
              exit 1
            fi
            exit 0
            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(PluginDir, recursive: true);
    }
}
