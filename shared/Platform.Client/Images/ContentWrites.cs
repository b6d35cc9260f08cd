using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.Client.Images;

/// <summary>One blob to store: its descriptor and how to open it at an offset (the part the content store already has is skipped).</summary>
public sealed record BlobSource(Descriptor Descriptor, Func<long, CancellationToken, Task<Stream>> OpenAt);

/// <summary>Storing many blobs under a lease, a few at a time, labelled for the collector: shared by load and pull.</summary>
internal static class ContentWrites
{
    /// <summary>How many blobs move at once: layers are independent, and one stream rarely fills the bus.</summary>
    public const int Parallelism = 3;

    /// <summary>
    /// Stores every blob (referenced ones are expected before what references them, so a manifest's labels point at stored
    /// content). Manifests and indexes are read whole to label them; the rest streams. Ingest refs are
    /// <c>{purpose}-{digest}</c>, so a retried load or pull resumes each blob where it stopped.
    /// </summary>
    public static async Task StoreAsync(PlatformClient client, IReadOnlyList<BlobSource> blobs, string leaseId, string ns, string purpose,
        IProgress<BlobProgress>? progress, CancellationToken ct)
    {
        // Leaves (layers, configs) in parallel; documents after, in order, since they label what came before them.
        var leaves = blobs.Where(b => !ImageGcLabels.HasLabels(b.Descriptor.MediaType)).ToList();
        var documents = blobs.Where(b => ImageGcLabels.HasLabels(b.Descriptor.MediaType)).ToList();
        await Parallel.ForEachAsync(leaves, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (blob, token) => await WriteAsync(client, blob, null, leaseId, ns, purpose, progress, token));
        foreach (var document in documents)
        {
            await using var stream = await document.OpenAt(0, ct);
            var bytes = new byte[document.Descriptor.Size];
            await stream.ReadExactlyAsync(bytes, ct);
            var labels = ImageGcLabels.For(document.Descriptor, bytes);
            await WriteAsync(client, document with { OpenAt = (offset, _) => Task.FromResult<Stream>(new MemoryStream(bytes, (int)offset, bytes.Length - (int)offset)) },
                labels, leaseId, ns, purpose, progress, ct);
        }
    }

    private static async Task WriteAsync(PlatformClient client, BlobSource blob, IReadOnlyDictionary<string, string>? labels, string leaseId, string ns,
        string purpose, IProgress<BlobProgress>? progress, CancellationToken ct)
    {
        var d = blob.Descriptor;
        var existed = true;
        var report = progress is null ? null : new Progress<(long Sent, long Total)>(p => progress.Report(new BlobProgress(d.Digest, d.MediaType, p.Sent, p.Total, existed)));
        var stored = await client.Content.WriteAsync(async (offset, token) =>
        {
            existed = false;
            return await blob.OpenAt(offset, token);
        }, d.Size, d.Digest, $"{purpose}-{d.Digest}", labels, leaseId, report, ns, ct);
        // Stored before without these labels (a blob of another image, say): add them, since the collector follows them.
        if (labels is { Count: > 0 } && labels.Any(l => !stored.Labels.TryGetValue(l.Key, out var v) || v != l.Value))
            await client.Content.SetLabelsAsync(d.Digest, labels.ToDictionary(l => l.Key, l => (string?)l.Value), ns, ct);
        progress?.Report(new BlobProgress(d.Digest, d.MediaType, d.Size, d.Size, existed));
    }

    public static async Task DropLeaseAsync(PlatformClient client, string leaseId, string ns)
    {
        try
        {
            await client.Leases.DeleteAsync(leaseId, ns, CancellationToken.None);
        }
        catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
        {
        }
    }
}
