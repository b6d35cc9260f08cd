using System.Diagnostics;
using Platform.Client;
using Platform.Client.Images;

namespace Platform.Bench;

/// <summary>Platform's side of the image benchmark: loads through <see cref="ImageLoader"/>, and removals that wait for the collector.</summary>
public sealed class PlatformImages(PlatformClient client, ServiceProcess service)
{
    public static readonly TimeSpan CollectDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Loads the archive (unpacked or not); returns how long it took and the image's normalised name.</summary>
    public async Task<(TimeSpan Elapsed, string Name)> LoadAsync(BenchImage image, string ns, bool unpack)
    {
        var started = Stopwatch.GetTimestamp();
        var loaded = await new ImageLoader(client).LoadAsync(image.Archive, new ImageLoadOptions { Unpack = unpack, Namespace = ns });
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (loaded is not [var one] || one.Image.Target.Digest != image.ManifestDigest || (one.Unpacked is null) == unpack)
            throw new InvalidOperationException($"loading {image.Archive} gave {loaded.Count} images, not {image.Name} ({image.ManifestDigest}){(unpack ? ", unpacked" : "")}");
        return (elapsed, one.Image.Name);
    }

    /// <summary>Unpacks a loaded image into snapshots; returns how long the request took.</summary>
    public async Task<TimeSpan> UnpackAsync(BenchImage image, string ns)
    {
        var started = Stopwatch.GetTimestamp();
        await client.Images.UnpackAsync(image.ManifestDigest, @namespace: ns);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Deletes the image and waits until the collector has removed its content and snapshots, records and files.</summary>
    public async Task RemoveAsync(string name, string ns)
    {
        await client.Images.DeleteAsync(name, @namespace: ns);
        var deadline = Stopwatch.StartNew();
        while (await LeftAsync(ns) is { Length: > 0 } left)
        {
            if (deadline.Elapsed > CollectDeadline)
                throw new TimeoutException($"{CollectDeadline.TotalSeconds:0} s after deleting {name}, platformd still has {left}");
            await Task.Delay(100);
        }
    }

    /// <summary>What the namespace still holds (content, snapshots) and blob files on disk; empty when nothing.</summary>
    public async Task<string> LeftAsync(string ns)
    {
        var content = 0;
        await foreach (var _ in client.Content.ListAsync(@namespace: ns))
            content++;
        var snapshots = 0;
        await foreach (var _ in client.Snapshots.ListAsync(@namespace: ns))
            snapshots++;
        var blobsFolder = Path.Combine(service.DataRoot, "content", "blobs", "sha256");
        var files = Directory.Exists(blobsFolder) ? Directory.GetFiles(blobsFolder).Length : 0;
        return content + snapshots + files == 0 ? "" : $"{content} content records, {snapshots} snapshots and {files} blob files";
    }
}
