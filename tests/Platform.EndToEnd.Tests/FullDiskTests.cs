using System.Diagnostics;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>A Platform host whose data root is a small tmpfs of its own, so a test can fill the disk under the stores.</summary>
public sealed class SmallDiskFixture : PlatformFixture
{
    public override async ValueTask InitializeAsync()
    {
        Requirements.Root("a test's own small filesystem is a tmpfs mount");
        Directory.CreateDirectory(DataRoot);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", DataRoot);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        catch (IOException)
        {
            // The data root is a mount point: its contents went, the folder itself goes after the unmount below.
        }
        await RunAsync("umount", "-l", DataRoot);
        Directory.Delete(DataRoot, recursive: true);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {error}");
    }
}

/// <summary>
/// A full disk under the stores (issue 13 part 5): a write that doesn't fit is ResourceExhausted with nothing
/// half-written, the service keeps serving reads, and writes work again once space is freed, with no restart.
/// </summary>
public sealed class When_the_disk_under_the_stores_is_full(SmallDiskFixture fixture) : IClassFixture<SmallDiskFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_refuse_what_does_not_fit_keep_reading_and_recover_when_space_is_freed()
    {
        var client = fixture.Client;
        var ns = "full-" + Guid.NewGuid().ToString("N")[..8];
        await client.Containers.CreateAsync(Create(ns, "before"), Ct);

        var filler = Path.Combine(fixture.DataRoot, "filler");
        Fill(filler);
        PlatformException? refused = null;
        string? refusedId = null;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            try
            {
                await client.Containers.CreateAsync(Create(ns, $"big-{i}"), Ct);
            }
            catch (PlatformException e)
            {
                (refused, refusedId) = (e, $"big-{i}");
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(ErrorKind.ResourceExhausted, refused.Kind);
        Assert.Contains("full disk", refused.Message);
        // Nothing half-written, and reads go on while the disk is full.
        var missing = await Assert.ThrowsAsync<PlatformException>(() => client.Containers.GetAsync(refusedId!, ns, Ct));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.Equal("before", (await client.Containers.GetAsync("before", ns, Ct)).Id);
        var listed = await client.Containers.ListAsync(@namespace: ns, cancellationToken: Ct).Select(c => c.Id).ToListAsync(Ct);
        Assert.Contains("before", listed);
        Assert.DoesNotContain(refusedId, listed);

        File.Delete(filler);
        var after = await client.Containers.CreateAsync(Create(ns, refusedId!), Ct);
        Assert.Equal(1, after.Version);
    }

    /// <summary>Writes zeros until the filesystem refuses more.</summary>
    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var block = new byte[1 << 16];
        try
        {
            for (var i = 0; i < 100_000; i++)
                file.Write(block);
            file.Flush();
        }
        catch (IOException e) when (e.HResult == 28)
        {
            return; // ENOSPC: full
        }
        Assert.Fail("the test filesystem never filled up");
    }

    /// <summary>A container with 60 KB of labels, so each one needs fresh pages in the store's file.</summary>
    private static CreateContainer Create(string ns, string id) => new()
    {
        Namespace = ns, Id = id, Runtime = new() { Name = "runc" }, Spec = Spec,
        Labels = Enumerable.Range(0, 15).ToDictionary(i => $"l{i}", i => new string((char)('a' + i), 4000)),
    };
}
