using Platform.Contracts.Containers;

namespace Platform.Metadata.Tests.Support;

/// <summary>Containers and requests with every field set, so a test that loses a field notices.</summary>
public static class Samples
{
    public const string Runtime = "io.containerd.runc.v2";

    /// <summary>Not a whole number of milliseconds: a store that rounds (BSON dates do) shows up.</summary>
    public static readonly DateTimeOffset Epoch = new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero).AddTicks(5_358_979);

    public const string Spec = """{"ociVersion":"1.2.0","process":{"args":["sh","-c","echo héllo"],"cwd":"/"},"root":{"path":"rootfs"}}""";

    public static Container Container(string @namespace, string id) => new()
    {
        Namespace = @namespace,
        Id = id,
        Labels = new Dictionary<string, string>
        {
            ["env"] = "prod",
            ["example.com/owner"] = "team-a",
            ["$dollar.key"] = "$value",
            ["a.b.c"] = "x/y",
        },
        Image = "docker.io/library/nginx:1.27",
        Runtime = new RuntimeInfo { Name = Runtime, Options = """{"BinaryName":"runc","SystemdCgroup":true}""" },
        Spec = Spec,
        Snapshotter = "overlayfs",
        SnapshotKey = id + "-snapshot",
        Extensions = new Dictionary<string, string>
        {
            ["example.com/checkpoint"] = """{"kind":"checkpoint","bytes":"AAEC"}""",
            ["plain"] = "text with spaces",
        },
        CreatedAt = Epoch,
        UpdatedAt = Epoch,
        Version = 1,
    };

    /// <summary>The smallest valid container: no labels, image, snapshot or extensions.</summary>
    public static Container Minimal(string @namespace, string id) => new()
    {
        Namespace = @namespace,
        Id = id,
        Runtime = new RuntimeInfo { Name = Runtime },
        Spec = "{}",
        CreatedAt = Epoch,
        UpdatedAt = Epoch,
        Version = 1,
    };

    public static CreateContainer CreateRequest(string id, string? @namespace = null) => new()
    {
        Namespace = @namespace,
        Id = id,
        Labels = new Dictionary<string, string> { ["env"] = "prod", ["example.com/owner"] = "team-a" },
        Image = "docker.io/library/nginx:1.27",
        Runtime = new RuntimeInfo { Name = Runtime, Options = """{"BinaryName":"runc"}""" },
        Spec = Spec,
        Snapshotter = "overlayfs",
        SnapshotKey = id + "-snapshot",
        Extensions = new Dictionary<string, string> { ["ext-a"] = "a", ["ext-b"] = "b" },
    };
}
