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

    /// <summary>How often a write that another writer of its ref keeps getting in the way of is begun again without that writer making progress.</summary>
    private const int MaxIdleRetries = 20;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Stores every blob (referenced ones are expected before what references them, so a manifest's labels point at stored
    /// content). Manifests and indexes are read whole to label them; the rest streams. Ingest refs are
    /// <c>{purpose}-{digest}</c>, so a retried load or pull resumes each blob where it stopped, and two at once share
    /// the ingest: the second waits while the first writes and finds the blob stored.
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
        long? lastOffset = null;
        var idle = 0;
        Contracts.Resources.Content stored;
        while (true)
        {
            try
            {
                stored = await client.Content.WriteAsync(async (offset, token) =>
                {
                    // The ingest moved on since our last attempt: another writer of this ref is at work. Wait for it
                    // rather than open the source (a registry request) to race it chunk by chunk.
                    if (offset > lastOffset)
                    {
                        lastOffset = offset;
                        throw new OtherWriterException();
                    }
                    lastOffset = offset;
                    existed = false;
                    return await blob.OpenAt(offset, token);
                }, d.Size, d.Digest, $"{purpose}-{d.Digest}", labels, leaseId, report, ns, ct);
                break;
            }
            catch (OtherWriterException)
            {
                idle = 0;
            }
            catch (PlatformException e) when (e.Kind is Contracts.ErrorKind.FailedPrecondition or Contracts.ErrorKind.NotFound && ++idle < MaxIdleRetries)
            {
                // Two writers of one ref (two pulls or loads of the same image at once) share its ingest: a chunk at an
                // offset the other one already wrote is refused, and a commit by the other one removes the ingest. Begin
                // again: it resumes where the ingest is, or finds the blob stored.
            }
            await Task.Delay(RetryDelay, ct);
        }
        // Stored before without these labels (a blob of another image, say): add them, since the collector follows them.
        if (labels is { Count: > 0 } && labels.Any(l => !stored.Labels.TryGetValue(l.Key, out var v) || v != l.Value))
            await client.Content.SetLabelsAsync(d.Digest, labels.ToDictionary(l => l.Key, l => (string?)l.Value), ns, ct);
        progress?.Report(new BlobProgress(d.Digest, d.MediaType, d.Size, d.Size, existed));
    }

    /// <summary>Opens <paramref name="open"/>'s stream and reads past the first <c>offset</c> bytes: for sources that can only start at the beginning.</summary>
    public static Func<long, CancellationToken, Task<Stream>> Skipping(Func<CancellationToken, Task<Stream>> open) => async (offset, ct) =>
    {
        var stream = await open(ct);
        try
        {
            var buffer = new byte[81920];
            for (var left = offset; left > 0;)
                left -= await stream.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), (int)Math.Min(buffer.Length, left), throwOnEndOfStream: true, ct);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    };

    private sealed class OtherWriterException : Exception;

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
