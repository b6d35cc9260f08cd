using System.ComponentModel.DataAnnotations;

namespace Platform.ResourceGc;

/// <summary>Configuration section <c>ResourceGc</c>.</summary>
public sealed class ResourceGcOptions
{
    public const string Section = "ResourceGc";

    /// <summary>Snapshotter used when a request names none: <c>overlayfs</c> or <c>native</c>. Default: overlayfs where the kernel supports it at the data root, else native.</summary>
    public string? DefaultSnapshotter { get; set; }

    /// <summary>Time between periodic collection passes. Default 5 minutes.</summary>
    public TimeSpan PassInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How old a reference, folder or import must be before a pass may treat it as left over by a crash:
    /// younger ones may belong to a request still in flight. Default 1 minute.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How old an unfinished content ingest must be (since its last chunk) before a pass removes it. Ingests are resumable,
    /// so this is much longer than <see cref="Grace"/>: a client that restarts within it continues where it left off. Default 24 hours.
    /// </summary>
    public TimeSpan IngestGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Largest import or content ingest chunk accepted, in bytes. Default 512 KiB: each chunk in flight costs the service a
    /// few allocations of its size, and a load keeps a dozen in flight; 1 MiB chunks were a few percent faster here but
    /// raised platformd's peak during a 200 MB load by about 30 MiB.
    /// </summary>
    [Range(4096, 16 * 1024 * 1024)]
    public int ImportChunkSize { get; set; } = 512 * 1024;

    public const long DefaultMaxUnpackedBytes = 64L * 1024 * 1024 * 1024;
    public const int DefaultMaxExpansionRatio = 100;

    /// <summary>
    /// Most bytes one archive (a snapshot import, or one image layer) may unpack to, in bytes: the sizes its file entries
    /// declare, added up and checked at each header before its data is written. Past it the import or unpack stops with
    /// ResourceExhausted and leaves nothing. Default 64 GiB: more than any layer worth running, far less than a forged
    /// header may claim.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxUnpackedBytes { get; set; } = DefaultMaxUnpackedBytes;

    /// <summary>
    /// How many times its compressed size a gzip archive may expand to before the import or unpack stops with
    /// ResourceExhausted (a tar bomb) and leaves nothing; checked once 16 MiB are unpacked. Default 100: real layers
    /// compress 2-10x; only long runs of one byte (zero-filled files) go past 100x.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxExpansionRatio { get; set; } = DefaultMaxExpansionRatio;
}
