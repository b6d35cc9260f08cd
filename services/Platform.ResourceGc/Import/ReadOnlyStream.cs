namespace Platform.ResourceGc.Import;

/// <summary>
/// A forward-only stream that is read and never written or sought: the base of the unpacker's wrappers (hashing,
/// gzip limits), which only override their reads, their position and what they dispose.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
