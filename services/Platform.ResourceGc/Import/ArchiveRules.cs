namespace Platform.ResourceGc.Import;

/// <summary>
/// What one unpack of an archive may contain and how far it may grow: device nodes only for a caller privileged in the
/// namespace, and the size limits of <see cref="ResourceGcOptions"/>. The consumers build it from the caller; the
/// unpacker only applies it.
/// </summary>
public sealed record ArchiveRules
{
    /// <summary>
    /// gzip output below this many bytes is never refused for its ratio: a small archive of empty files or short texts
    /// compresses far better than 100x, and it is a bomb's size, not its ratio, that harms.
    /// </summary>
    public const long RatioExemptBytes = 16L * 1024 * 1024;

    /// <summary>Whether character and block device entries are made (FIFOs always are). Only for privileged callers.</summary>
    public bool AllowDevices { get; init; }

    /// <summary>Most bytes the archive's file entries may declare together; see <see cref="ResourceGcOptions.MaxUnpackedBytes"/>.</summary>
    public long MaxUnpackedBytes { get; init; } = ResourceGcOptions.DefaultMaxUnpackedBytes;

    /// <summary>How many times its compressed size a gzip archive may expand to; see <see cref="ResourceGcOptions.MaxExpansionRatio"/>.</summary>
    public int MaxExpansionRatio { get; init; } = ResourceGcOptions.DefaultMaxExpansionRatio;

    /// <summary>The output size below which the ratio is not checked (<see cref="RatioExemptBytes"/>; smaller only in tests).</summary>
    public long RatioCheckedAfter { get; init; } = RatioExemptBytes;

    /// <summary>The rules for a caller who is (or is not) privileged in the namespace the archive is unpacked into.</summary>
    public static ArchiveRules For(ResourceGcOptions options, bool privileged) => new()
    {
        AllowDevices = privileged,
        MaxUnpackedBytes = options.MaxUnpackedBytes,
        MaxExpansionRatio = options.MaxExpansionRatio,
    };
}
