using Microsoft.Data.Sqlite;

namespace Platform.Hosting.Storage;

/// <summary>
/// One SQLite file in WAL mode. SQLite allows one writer at a time; rather than let concurrent writers spin
/// on SQLITE_BUSY, writes queue on an in-process lock and run on one long-lived connection, while reads use
/// pooled connections and never wait for writers (WAL readers see the last commit).
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        PrivateFiles.CreateFolder(System.IO.Path.GetDirectoryName(Path)!);
        // SQLite gives the -wal and -shm files it creates the database file's mode, so an empty file made 0600 here (which
        // SQLite takes as a new database) keeps all three private; files left readable by an older version are tightened.
        PrivateFiles.CreateFile(Path);
        foreach (var file in (string[])[Path, Path + "-wal", Path + "-shm", Path + "-journal"])
            PrivateFiles.Tighten(file);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens a connection for reading; dispose it when done.</summary>
    /// <remarks>
    /// No PRAGMA per open: a read is one statement more without it on every get, list and outbox poll, and a busy or
    /// locked database is already retried by Microsoft.Data.Sqlite until the command timeout (DefaultTimeout, 30 s).
    /// </remarks>
    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction; commits if it returns, rolls back if it throws.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _writer ??= await OpenWriterAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken);
            var result = await work(_writer, transaction);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;", cancellationToken);
        return connection;
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
            await _writer.DisposeAsync();
        _writeLock.Dispose();
    }
}
