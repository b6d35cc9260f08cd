using System.Diagnostics;
using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// A broker user made for one test: its own name and random password on the vhost of <see cref="Requirements.BusUri"/>,
/// removed again on dispose. Connect a client with <see cref="BusUri"/> to act as that user.
/// </summary>
public sealed class BrokerUser : IAsyncDisposable
{
    internal BrokerUser(string name, Uri busUri)
    {
        Name = name;
        BusUri = busUri;
    }

    public string Name { get; }

    /// <summary>The bus address with this user's credentials.</summary>
    public Uri BusUri { get; }

    public async ValueTask DisposeAsync()
    {
        await BrokerUsers.RabbitMqCtlAsync(null, "delete_user", Name);
        // The exchange its clients sent through is durable; nothing else of its own outlives its connections.
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeleteAsync(Platform.Client.ClientNames.Send(Name));
    }
}

public static class BrokerUsers
{
    /// <summary>The vhost of <see cref="Requirements.BusUri"/> ("/" when it names none).</summary>
    public static string VirtualHost
    {
        get
        {
            var path = Requirements.BusUri.AbsolutePath.TrimStart('/');
            return path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        }
    }

    /// <summary>
    /// Creates a broker user (rabbitmqctl, as root) with the given configure/write/read permission patterns on the
    /// test vhost; by default everything, so only Platform's own authorisation decides what it may do.
    /// </summary>
    public static async Task<BrokerUser> CreateAsync(string prefix = "user", string configure = ".*", string write = ".*", string read = ".*")
    {
        Requirements.RabbitMq();
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        await RabbitMqCtlAsync(password + "\n", "add_user", name);
        await RabbitMqCtlAsync(null, "set_permissions", "-p", VirtualHost, name, configure, write, read);
        var uri = new UriBuilder(Requirements.BusUri) { UserName = name, Password = password }.Uri;
        return new BrokerUser(name, uri);
    }

    /// <summary>Runs rabbitmqctl and returns what it printed; a password goes on its stdin, never in its arguments.</summary>
    public static async Task<string> RabbitMqCtlAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-q");
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {args[0]} failed ({process.ExitCode}): {await stderr}");
        return stdout;
    }
}
