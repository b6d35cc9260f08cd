namespace Platform.Client.Images;

/// <summary>How far one blob of a load, pull, save or push is: bytes done of its size; <see cref="Existed"/> when nothing had to move.</summary>
public sealed record BlobProgress(string Digest, string MediaType, long Done, long Total, bool Existed = false)
{
    public bool Finished => Done >= Total;
}
