using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Users;
using Platform.Security.Tests.Support;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// Grants through the real broker: a user does in a namespace what its grant allows and nothing else, and every
/// refusal names the user, the namespace and the action.
/// </summary>
public sealed class When_users_have_grants(SecuredFixture fixture) : IClassFixture<SecuredFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Ns(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static CreateContainer Container(string ns, string id) => new() { Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec };

    [Fact]
    public async Task A_user_without_a_grant_can_do_nothing_and_is_told_who_where_and_what()
    {
        await using var user = await BrokerUsers.CreateAsync("nobody");
        await using var client = await fixture.ConnectAsync(user);
        var ns = Ns("ns");

        var denied = await Expect.DeniedAsync(() => client.Containers.CreateAsync(Container(ns, "c1"), Ct));
        Assert.Contains($"\"{user.Name}\"", denied.Message);
        Assert.Contains($"\"{ns}\"", denied.Message);
        Assert.Contains("create-container", denied.Message);
        await Expect.DeniedAsync(() => client.Containers.GetAsync("c1", ns, Ct));
        await Expect.DeniedAsync(() => client.Tasks.ListAsync(@namespace: ns, cancellationToken: Ct));
        await Expect.DeniedAsync(async () => await client.Snapshots.ListAsync(@namespace: ns, cancellationToken: Ct).ToListAsync(Ct));
        // Nothing was created on its behalf.
        await Expect.ErrorAsync(ErrorKind.NotFound, () => fixture.Client.Containers.GetAsync("c1", ns, Ct));
    }

    [Fact]
    public async Task A_read_write_grant_covers_its_namespace_only()
    {
        await using var user = await BrokerUsers.CreateAsync("alice");
        var mine = Ns("mine");
        var theirs = Ns("theirs");
        await fixture.Client.Containers.CreateAsync(Container(theirs, "secret"), Ct);
        // Privileged, so the bare test spec passes the runtime policy: this test is about namespaces.
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = mine, Role = NamespaceRole.ReadWrite, Privileged = true }] }, Ct);
        await using var client = await fixture.ConnectAsync(user);

        var created = await client.Containers.CreateAsync(Container(mine, "c1"), Ct);
        Assert.Equal("c1", created.Id);
        Assert.Equal(["c1"], (await client.Containers.ListAsync(null, mine, cancellationToken: Ct).ToListAsync(Ct)).Select(c => c.Id));
        await client.Containers.DeleteAsync("c1", @namespace: mine, cancellationToken: Ct);

        var denied = await Expect.DeniedAsync(() => client.Containers.GetAsync("secret", theirs, Ct));
        Assert.Contains($"\"{theirs}\"", denied.Message);
        await Expect.DeniedAsync(() => client.Containers.DeleteAsync("secret", @namespace: theirs, cancellationToken: Ct));
        Assert.Equal("secret", (await fixture.Client.Containers.GetAsync("secret", theirs, Ct)).Id);
    }

    [Fact]
    public async Task A_read_only_grant_reads_but_does_not_change()
    {
        await using var user = await BrokerUsers.CreateAsync("reader");
        var ns = Ns("ro");
        await fixture.Client.Containers.CreateAsync(Container(ns, "web"), Ct);
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.Read }] }, Ct);
        await using var client = await fixture.ConnectAsync(user);

        Assert.Equal("web", (await client.Containers.GetAsync("web", ns, Ct)).Id);
        Assert.Single(await client.Containers.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct));
        var denied = await Expect.DeniedAsync(() => client.Containers.SetLabelsAsync("web", new Dictionary<string, string?> { ["x"] = "y" }, ns, Ct));
        Assert.Contains("read-only", denied.Message);
        await Expect.DeniedAsync(() => client.Containers.DeleteAsync("web", @namespace: ns, cancellationToken: Ct));
        await Expect.DeniedAsync(() => client.Containers.CreateAsync(Container(ns, "other"), Ct));
    }

    [Fact]
    public async Task A_revoked_grant_stops_working_once_the_cache_expires()
    {
        await using var user = await BrokerUsers.CreateAsync("leaver");
        var ns = Ns("rev");
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.ReadWrite, Privileged = true }] }, Ct);
        await using var client = await fixture.ConnectAsync(user);
        await client.Containers.CreateAsync(Container(ns, "c1"), Ct);

        var revoked = await fixture.Client.Users.RevokeAsync(user.Name, ns, Ct);
        Assert.Empty(revoked.Grants);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await client.Containers.GetAsync("c1", ns, Ct);
                return false;
            }
            catch (Platform.Common.Errors.PlatformException e) when (e.Kind == ErrorKind.PermissionDenied)
            {
                return true;
            }
        }, Ct, TimeSpan.FromSeconds(5), "a revoked grant should be refused once the 200 ms cache expires");
    }

    [Fact]
    public async Task Only_an_administrator_manages_users()
    {
        await using var user = await BrokerUsers.CreateAsync("plain");
        var ns = Ns("adm");
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.ReadWrite, Privileged = true }] }, Ct);
        await using var plain = await fixture.ConnectAsync(user);
        var denied = await Expect.DeniedAsync(() => plain.Users.GrantAsync(user.Name, new UserGrant { Namespace = "other", Role = NamespaceRole.ReadWrite }, Ct));
        Assert.Contains("administrator", denied.Message);
        await Expect.DeniedAsync(() => plain.Users.ListAsync(Ct));

        // The configured administrator may, and may work in any namespace.
        await using var admin = await fixture.ConnectAsync(fixture.Admin);
        var granted = await admin.Users.GrantAsync(user.Name, new UserGrant { Namespace = "other", Role = NamespaceRole.Read }, Ct);
        Assert.Equal([ns, "other"], granted.Grants.Select(g => g.Namespace));
        Assert.Contains(await admin.Users.ListAsync(Ct), u => u.Name == user.Name);
        await admin.Containers.CreateAsync(Container(ns, "by-admin"), Ct);
        Assert.Equal("by-admin", (await plain.Containers.GetAsync("by-admin", ns, Ct)).Id);
        await admin.Users.DeleteAsync(user.Name, Ct);
        await Expect.ErrorAsync(ErrorKind.NotFound, () => admin.Users.GetAsync(user.Name, Ct));
    }

    [Fact]
    public async Task Bad_user_records_are_refused_naming_the_field()
    {
        var bad = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => fixture.Client.Users.CreateAsync(new CreateUser { Name = "has space" }, Ct));
        Assert.StartsWith("name:", bad.Message);
        var twice = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => fixture.Client.Users.CreateAsync(new CreateUser
        {
            Name = "twice-" + Guid.NewGuid().ToString("N")[..6],
            Grants = [new UserGrant { Namespace = "a", Role = NamespaceRole.Read }, new UserGrant { Namespace = "a", Role = NamespaceRole.ReadWrite }],
        }, Ct));
        Assert.Contains("granted twice", twice.Message);
        var badNs = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => fixture.Client.Users.CreateAsync(new CreateUser
        {
            Name = "badns-" + Guid.NewGuid().ToString("N")[..6],
            Grants = [new UserGrant { Namespace = "Not Valid", Role = NamespaceRole.Read }],
        }, Ct));
        Assert.StartsWith("grants[0].namespace", badNs.Message);
        var name = "dup-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = name }, Ct);
        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () => fixture.Client.Users.CreateAsync(new CreateUser { Name = name }, Ct));
    }

    [Fact]
    public async Task An_import_belongs_to_the_user_who_began_it()
    {
        await using var owner = await BrokerUsers.CreateAsync("importer");
        await using var other = await BrokerUsers.CreateAsync("meddler");
        var ns = Ns("imp");
        var otherNs = Ns("oth");
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = owner.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.ReadWrite }] }, Ct);
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = other.Name, Grants = [new UserGrant { Namespace = otherNs, Role = NamespaceRole.ReadWrite }] }, Ct);
        await using var ownerClient = await fixture.ConnectAsync(owner);
        await using var otherClient = await fixture.ConnectAsync(other);

        var data = new byte[] { 1, 2, 3 };
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
        var started = await ownerClient.RequestAsync<BeginSnapshotImport, SnapshotImportStarted>(QueueNames.Of<BeginSnapshotImport>(),
            new BeginSnapshotImport { Namespace = ns, Snapshotter = "native", Name = "mine", Size = data.Length, Digest = digest }, Ct);

        // Another user who guessed or saw the id can neither write into the import nor finish it.
        var chunk = new SnapshotImportChunk { ImportId = started.ImportId, Offset = 0, Data = data };
        await Expect.ErrorAsync(ErrorKind.NotFound, () => otherClient.RequestAsync<SnapshotImportChunk, SnapshotImportProgress>(QueueNames.Of<SnapshotImportChunk>(), chunk, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => otherClient.RequestAsync<CompleteSnapshotImport, SnapshotResult>(QueueNames.Of<CompleteSnapshotImport>(),
            new CompleteSnapshotImport { ImportId = started.ImportId }, Ct));
        // Its owner still can.
        var progress = await ownerClient.RequestAsync<SnapshotImportChunk, SnapshotImportProgress>(QueueNames.Of<SnapshotImportChunk>(), chunk, Ct);
        Assert.Equal(data.Length, progress.Received);
    }
}
