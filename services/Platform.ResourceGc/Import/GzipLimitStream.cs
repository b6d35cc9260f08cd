using System.IO.Compression;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Import;

/// <summary>
/// A gzip stream that stops with ResourceExhausted when its output outgrows <see cref="ArchiveRules.MaxExpansionRatio"/>
/// times the compressed bytes read so far (a tar bomb), once past <see cref="ArchiveRules.RatioCheckedAfter"/>.
/// Checked as the bytes come, so a bomb is stopped long before it fills the disk.
/// </summary>
internal sealed class GzipLimitStream : Stream
{
    private readonly CountingStream _compressed;
    private readonly GZipStream _gzip;
    private readonly ArchiveRules _rules;
    private long _expanded;

    public GzipLimitStream(Stream compressed, ArchiveRules rules)
    {
        _compressed = new CountingStream(compressed);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress);
        _rules = rules;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(_gzip.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await _gzip.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _expanded += read;
        if (_expanded > _rules.RatioCheckedAfter && _expanded / (double)Math.Max(1, _compressed.Total) > _rules.MaxExpansionRatio)
            throw PlatformException.ResourceExhausted(
                $"the archive expands more than {_rules.MaxExpansionRatio} times its compressed size ({_expanded} bytes from {_compressed.Total}): refused as a gzip bomb (ResourceGc:MaxExpansionRatio)");
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _expanded; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _gzip.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _gzip.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Counts the compressed bytes the gzip decoder took.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Total { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Add(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Add(inner.Read(buffer));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Add(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Add(int read)
        {
            Total += read;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Total; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
