using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.ResourceGc.Content;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// The digest a commit checks: the running sha256 of what this process appended when it covers the whole data file, and
/// the file read again otherwise (an ingest resumed after a restart, a chunk written twice); never a stale one.
/// </summary>
public sealed class ContentIngestHashTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _root = Directory.CreateTempSubdirectory("ingest-hash-").FullName;

    private ContentIngests NewProcess() =>
        new(new ContentBlobs(null!, Options.Create(new StoreOptions { DataRoot = _root }), NullLogger<ContentBlobs>.Instance), NullLogger<ContentIngests>.Instance);

    private static string Sha(params byte[][] parts) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(parts.SelectMany(p => p).ToArray()));

    private async Task<(ContentIngests Ingests, ContentIngests.Files Files)> BeginAsync(byte[] whole)
    {
        var ingests = NewProcess();
        Directory.CreateDirectory(Path.Combine(_root, "content", "ingest"));
        var files = ingests.FilesOf("default", "r1");
        await ingests.CreateAsync(files, new IngestMeta("default", "r1", whole.Length, Sha(whole), new Dictionary<string, string>(), null, DateTimeOffset.UtcNow), Ct);
        return (ingests, files);
    }

    [Fact]
    public async Task The_running_digest_of_appended_chunks_is_the_files()
    {
        byte[] a = RandomNumberGenerator.GetBytes(1000), b = RandomNumberGenerator.GetBytes(777);
        var (ingests, files) = await BeginAsync([.. a, .. b]);

        await ingests.AppendAsync(files, 0, a, Ct);
        await ingests.AppendAsync(files, a.Length, b, Ct);

        Assert.Equal(Sha(a, b), await ingests.DigestAsync(files, a.Length + b.Length, Ct));
        Assert.Equal(Sha(a, b), await ContentIngests.HashAsync(files, Ct));
    }

    [Fact]
    public async Task A_process_that_resumes_an_ingest_it_did_not_begin_reads_the_file_again()
    {
        byte[] a = RandomNumberGenerator.GetBytes(1000), b = RandomNumberGenerator.GetBytes(500);
        var (first, files) = await BeginAsync([.. a, .. b]);
        await first.AppendAsync(files, 0, a, Ct);

        var restarted = NewProcess();
        Assert.NotNull(await restarted.MetaAsync(files, Ct));
        await restarted.AppendAsync(files, a.Length, b, Ct);

        Assert.Equal(Sha(a, b), await restarted.DigestAsync(files, a.Length + b.Length, Ct));
    }

    [Fact]
    public async Task Bytes_written_behind_its_back_are_not_taken_on_trust()
    {
        byte[] a = RandomNumberGenerator.GetBytes(1000), b = RandomNumberGenerator.GetBytes(500);
        var (ingests, files) = await BeginAsync([.. a, .. b]);
        await ingests.AppendAsync(files, 0, a, Ct);
        // Another writer appended b; the running hash no longer covers the file, so the next append can't extend it.
        await File.AppendAllBytesAsync(files.Data, b, Ct);
        await ingests.AppendAsync(files, a.Length + b.Length, a, Ct);

        Assert.Equal(Sha(a, b, a), await ingests.DigestAsync(files, 2 * a.Length + b.Length, Ct));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
