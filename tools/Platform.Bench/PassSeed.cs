using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.ResourceGc.Drivers;
using Platform.ResourceGc.Store;

namespace Platform.Bench;

/// <summary>
/// Writes a large but realistic resource graph straight into the stores of a data root before platformd starts
/// on it (through the API, 100,000 prepares and 50,000 creates would take minutes): the services' own code
/// creates the schemas, then each table is filled in one transaction. Everything is an hour old, so the pass
/// treats every reference as settled and checks its owner.
/// </summary>
internal static class PassSeed
{
    public const string Namespace = "bench-pass";
    private const string LeaseId = "bench-hold";
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}""";

    public sealed record Counts(string Snapshotter, int Referenced, int Leased, int Garbage);

    /// <summary>
    /// One committed root, then <paramref name="records"/> − 1 active snapshots on it: every hundredth is garbage,
    /// of the rest the odd ones are referenced by a container (which exists) and the even ones held by one lease.
    /// Each has its own empty folder, as a freshly prepared overlay snapshot does.
    /// </summary>
    public static async Task<Counts> WriteAsync(string dataRoot, int records)
    {
        var snapshotter = DriverSelector.DefaultName(dataRoot);
        var old = DateTimeOffset.UtcNow.AddHours(-1);
        await using (var metadata = new SqliteContainerStore(new SqliteDatabase(Path.Combine(dataRoot, "metadata.db")), new OutboxSignal()))
            await metadata.InitializeAsync(CancellationToken.None);
        await using (var resources = new SqliteResourceStore(new SqliteDatabase(Path.Combine(dataRoot, "resources.db")), new OutboxSignal()))
            await resources.InitializeAsync(CancellationToken.None);

        var kinds = Enumerable.Range(1, records - 1).Select(i => (Index: i, Kind: i % 100 == 0 ? 'g' : i % 2 == 1 ? 'c' : 'l')).ToList();
        await FillAsync(Path.Combine(dataRoot, "resources.db"), async (c, t) =>
        {
            await using var snapshot = Prepared(c, t, "INSERT INTO snapshots (namespace, snapshotter, key, dir_id, kind, parent, labels, created_at, updated_at) VALUES ($ns, $sn, $key, $dir, $kind, $parent, $labels, $at, $at);",
                "$ns", "$sn", "$key", "$dir", "$kind", "$parent", "$labels", "$at");
            await using var dir = Prepared(c, t, "INSERT INTO dir_ids (id, created_at) VALUES ($id, $at);", "$id", "$at");
            await using var reference = Prepared(c, t, "INSERT INTO refs (namespace, snapshotter, key, owner_kind, owner_id, generation, created_at) VALUES ($ns, $sn, $key, 'container', $owner, $gen, $at);",
                "$ns", "$sn", "$key", "$owner", "$gen", "$at");
            await using var held = Prepared(c, t, "INSERT INTO lease_resources (namespace, lease_id, snapshotter, key) VALUES ($ns, $lease, $sn, $key);", "$ns", "$lease", "$sn", "$key");
            await using (var lease = Prepared(c, t, "INSERT INTO leases (namespace, id, labels, created_at, expires_at) VALUES ($ns, $id, '{}', $at, NULL);", "$ns", "$id", "$at"))
                await RunAsync(lease, Namespace, LeaseId, old.UtcTicks);

            await RunAsync(snapshot, Namespace, snapshotter, "base", 1L, 3 /* committed */, DBNull.Value, JsonSerializer.Serialize(new Dictionary<string, string> { [GcLabels.Root] = "bench" }), old.UtcTicks);
            await RunAsync(dir, 1L, old.UtcTicks);
            foreach (var (i, kind) in kinds)
            {
                var key = Key(i);
                await RunAsync(snapshot, Namespace, snapshotter, key, i + 1L, 1 /* active */, "base", "{}", old.UtcTicks);
                await RunAsync(dir, i + 1L, old.UtcTicks);
                if (kind == 'c')
                    await RunAsync(reference, Namespace, snapshotter, key, Owner(i), Generation(old, i), old.UtcTicks);
                else if (kind == 'l')
                    await RunAsync(held, Namespace, LeaseId, snapshotter, key);
            }
        });
        await FillAsync(Path.Combine(dataRoot, "metadata.db"), async (c, t) =>
        {
            await using var container = Prepared(c, t, "INSERT INTO containers (namespace, id, labels, image, runtime_name, runtime_options, spec, snapshotter, snapshot_key, extensions, created_at, updated_at, version) " +
                                                        "VALUES ($ns, $id, '{}', NULL, 'io.containerd.runc.v2', NULL, $spec, $sn, $key, '{}', $at, $at, 1);",
                "$ns", "$id", "$spec", "$sn", "$key", "$at");
            foreach (var (i, _) in kinds.Where(k => k.Kind == 'c'))
                await RunAsync(container, Namespace, Owner(i), Spec, snapshotter, Key(i), Generation(old, i));
        });

        var root = Path.Combine(dataRoot, "snapshots", snapshotter);
        for (var id = 1; id <= records; id++)
        {
            var folder = Path.Combine(root, id.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(Path.Combine(folder, "fs"));
            if (snapshotter == DriverSelector.OverlayName)
                Directory.CreateDirectory(Path.Combine(folder, "work"));
        }
        return new Counts(snapshotter, kinds.Count(k => k.Kind == 'c'), kinds.Count(k => k.Kind == 'l'), kinds.Count(k => k.Kind == 'g'));
    }

    private static string Key(int i) => $"layer-{i:D7}";

    private static string Owner(int i) => $"ctr-{i:D7}";

    /// <summary>Each container's creation time, distinct, which is also its references' generation.</summary>
    private static long Generation(DateTimeOffset old, int i) => old.UtcTicks + i;

    private static async Task FillAsync(string path, Func<SqliteConnection, SqliteTransaction, Task> fill)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await fill(connection, transaction);
        await transaction.CommitAsync();
    }

    private static SqliteCommand Prepared(SqliteConnection c, SqliteTransaction t, string sql, params string[] parameters)
    {
        var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        foreach (var name in parameters)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static async Task RunAsync(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i];
        await command.ExecuteNonQueryAsync();
    }
}
