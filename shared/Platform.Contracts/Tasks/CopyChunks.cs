namespace Platform.Contracts.Tasks;

/// <summary>How <see cref="CopyToTask"/> and <see cref="CopyFromTask"/> cut a tar stream. Part of the wire.</summary>
public static class CopyChunks
{
    /// <summary>Largest chunk in one message: 512 KiB, as snapshot imports.</summary>
    public const int MaxBytes = 512 * 1024;
}
