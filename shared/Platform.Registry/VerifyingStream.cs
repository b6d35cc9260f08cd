using System.Security.Cryptography;
using Platform.Client.Images;

namespace Platform.Client.Registry;

/// <summary>
/// A blob's body that checks, as it is read, that it is no longer than the descriptor says and, at its end,
/// that it was exactly as long and (when it has a hash) has the descriptor's digest. A broken connection
/// becomes <see cref="RegistryErrorKind.Unavailable"/> naming the offset to resume from.
/// </summary>
internal sealed class VerifyingStream(Stream inner, IDisposable owner, Descriptor descriptor, long position, IncrementalHash? hash, bool ownsHash, string what)
    : Stream
{
    private long _position = position;
    private bool _verified;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => descriptor.Size;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (IOException e)
        {
            throw Broken(e);
        }
        return Account(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw Broken(e);
        }
        return Account(buffer.Span[..read]);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            Verify();
            return 0;
        }
        _position += data.Length;
        if (_position > descriptor.Size)
            throw new RegistryException(RegistryErrorKind.InvalidResponse, $"{what} is longer than the {descriptor.Size} bytes its descriptor states: the registry sent something else.");
        hash?.AppendData(data);
        return data.Length;
    }

    private void Verify()
    {
        if (_verified)
            return;
        if (_position != descriptor.Size)
            throw new RegistryException(RegistryErrorKind.InvalidResponse, $"{what} ended after {_position} of {descriptor.Size} bytes.");
        if (hash is not null)
        {
            var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != descriptor.Digest)
                throw new RegistryException(RegistryErrorKind.InvalidResponse, $"{what} has digest {actual}, not {descriptor.Digest}: the content was corrupted or tampered with; discard it.");
        }
        _verified = true;
    }

    private RegistryException Broken(Exception e) =>
        new(RegistryErrorKind.Unavailable, $"The connection broke while reading {what} at byte {_position} of {descriptor.Size}: {e.Message}. Resume from offset {_position}.", e);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner.Dispose();
            if (ownsHash)
                hash?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
