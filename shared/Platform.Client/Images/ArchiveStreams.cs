using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>
/// A read-only window over part of a file, read with positional reads so any number of windows over one handle can be
/// read at once. It does not own the handle.
/// </summary>
internal sealed class FileWindowStream(SafeFileHandle handle, long offset, long length) : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = Clamp(buffer.Length);
        if (count == 0)
            return 0;
        var read = RandomAccess.Read(handle, buffer[..count], offset + position);
        position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = Clamp(buffer.Length);
        if (count == 0)
            return 0;
        var read = await RandomAccess.ReadAsync(handle, buffer[..count], offset + position, cancellationToken);
        position += read;
        return read;
    }

    private int Clamp(int requested) => (int)Math.Min(requested, Math.Max(0, length - position));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Passes a blob through while hashing it; when the reader reaches the end, the size and digest must be the expected
/// ones or the read throws FailedPrecondition naming the blob. A reader that stops early verifies nothing.
/// </summary>
internal sealed class VerifyingStream(Stream inner, string expectedDigest, long expectedSize, string what) : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long total;
    private bool verified;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => expectedSize;
    public override long Position { get => total; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span, read);
    }

    private int Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            hash.AppendData(buffer[..read]);
            total += read;
            if (total > expectedSize)
                throw PlatformException.FailedPrecondition($"{what}: longer than its descriptor's {expectedSize} bytes");
        }
        else if (buffer.Length > 0 && !verified)
        {
            verified = true;
            if (total != expectedSize)
                throw PlatformException.FailedPrecondition($"{what}: {total} bytes, but its descriptor says {expectedSize}");
            var actual = Digest.FromHash(hash.GetHashAndReset());
            if (actual != expectedDigest)
                throw PlatformException.FailedPrecondition($"{what}: content digest {actual} does not match {expectedDigest}");
        }
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        hash.Dispose();
        await base.DisposeAsync();
    }
}
