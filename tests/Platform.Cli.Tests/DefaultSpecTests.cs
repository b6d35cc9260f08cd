using System.Text.Json;
using Platform.Client.Oci;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>The spec <c>run</c> gives a container: valid OCI JSON with the process, root and isolation asked for.</summary>
public sealed class When_a_default_spec_is_made
{
    private static JsonElement Spec(DefaultSpecOptions options) => Output.Json(DefaultSpec.Create(options));

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void It_is_valid_json_with_the_args_env_cwd_root_and_hostname_given()
    {
        var spec = Spec(new DefaultSpecOptions
        {
            Args = ["sh", "-c", "echo hi; exit 3"],
            Env = ["GREETING=hello world"],
            Cwd = "/tmp",
            RootPath = "/var/lib/rootfs",
            Hostname = "hello",
        });

        Assert.Equal("1.0.2", spec.GetProperty("ociVersion").GetString());
        var process = spec.GetProperty("process");
        Assert.Equal(["sh", "-c", "echo hi; exit 3"], Strings(process.GetProperty("args")));
        Assert.Equal([DefaultSpec.DefaultPath, "GREETING=hello world"], Strings(process.GetProperty("env")));
        Assert.Equal("/tmp", process.GetProperty("cwd").GetString());
        Assert.False(process.GetProperty("terminal").GetBoolean());
        Assert.Equal((0, 0), (process.GetProperty("user").GetProperty("uid").GetInt32(), process.GetProperty("user").GetProperty("gid").GetInt32()));
        Assert.True(process.GetProperty("noNewPrivileges").GetBoolean());
        Assert.Equal("/var/lib/rootfs", spec.GetProperty("root").GetProperty("path").GetString());
        Assert.False(spec.GetProperty("root").GetProperty("readonly").GetBoolean());
        Assert.Equal("hello", spec.GetProperty("hostname").GetString());
    }

    [Fact]
    public void Defaults_are_the_path_the_root_folder_and_the_bundles_rootfs()
    {
        var spec = Spec(new DefaultSpecOptions { Args = ["true"] });

        Assert.Equal([DefaultSpec.DefaultPath], Strings(spec.GetProperty("process").GetProperty("env")));
        Assert.Equal("/", spec.GetProperty("process").GetProperty("cwd").GetString());
        Assert.Equal("rootfs", spec.GetProperty("root").GetProperty("path").GetString());
        Assert.False(spec.TryGetProperty("hostname", out _));
    }

    [Fact]
    public void A_given_path_replaces_the_default_and_a_repeated_key_the_earlier_value()
    {
        var env = Strings(Spec(new DefaultSpecOptions { Args = ["true"], Env = ["A=1", "PATH=/bin", "A=2"] })
            .GetProperty("process").GetProperty("env"));

        Assert.Equal(["PATH=/bin", "A=2"], env);
    }

    [Fact]
    public void The_container_gets_its_own_pid_ipc_uts_mount_and_network_namespaces()
    {
        var linux = Spec(new DefaultSpecOptions { Args = ["true"] }).GetProperty("linux");

        Assert.Equal(["pid", "ipc", "uts", "mount", "network"],
            linux.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("type").GetString()!).ToArray());
        Assert.Contains("/proc/kcore", Strings(linux.GetProperty("maskedPaths")));
        Assert.Contains("/sys/firmware", Strings(linux.GetProperty("maskedPaths")));
        Assert.Contains("/proc/sys", Strings(linux.GetProperty("readonlyPaths")));
        Assert.Contains("/proc/sysrq-trigger", Strings(linux.GetProperty("readonlyPaths")));
    }

    [Fact]
    public void The_process_keeps_containerds_default_capabilities_and_1024_open_files()
    {
        var process = Spec(new DefaultSpecOptions { Args = ["true"] }).GetProperty("process");

        string[] expected =
        [
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
            "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
        ];
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            Assert.Equal(expected, Strings(process.GetProperty("capabilities").GetProperty(set)));
        var rlimit = Assert.Single(process.GetProperty("rlimits").EnumerateArray().ToList());
        Assert.Equal(("RLIMIT_NOFILE", 1024UL, 1024UL),
            (rlimit.GetProperty("type").GetString(), rlimit.GetProperty("hard").GetUInt64(), rlimit.GetProperty("soft").GetUInt64()));
    }

    [Fact]
    public void The_usual_filesystems_are_mounted()
    {
        var mounts = Spec(new DefaultSpecOptions { Args = ["true"] }).GetProperty("mounts").EnumerateArray()
            .ToDictionary(m => m.GetProperty("destination").GetString()!, m => m);

        Assert.Equal("proc", mounts["/proc"].GetProperty("type").GetString());
        Assert.Equal("tmpfs", mounts["/dev"].GetProperty("type").GetString());
        Assert.Equal(["nosuid", "strictatime", "mode=755", "size=65536k"], Strings(mounts["/dev"].GetProperty("options")));
        Assert.Equal("devpts", mounts["/dev/pts"].GetProperty("type").GetString());
        Assert.Equal("tmpfs", mounts["/dev/shm"].GetProperty("type").GetString());
        Assert.Equal("mqueue", mounts["/dev/mqueue"].GetProperty("type").GetString());
        Assert.Equal("sysfs", mounts["/sys"].GetProperty("type").GetString());
        Assert.Contains("ro", Strings(mounts["/sys"].GetProperty("options")));
    }

    [Fact]
    public void A_process_needs_a_program_and_variables_need_an_equals_sign()
    {
        Assert.Throws<ArgumentException>(() => DefaultSpec.Create(new DefaultSpecOptions { Args = [] }));
        Assert.Throws<ArgumentException>(() => DefaultSpec.Create(new DefaultSpecOptions { Args = ["true"], Env = ["NOEQUALS"] }));
    }
}
