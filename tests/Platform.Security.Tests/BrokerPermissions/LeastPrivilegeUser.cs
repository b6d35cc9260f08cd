using Platform.Client;
using Platform.Contracts.Users;
using Platform.Security.Tests.Support;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Platform.Security.Tests.BrokerPermissions;

/// <summary>
/// A Platform user made as <c>platformctl admin users add</c> makes one: the broker user through
/// <see cref="BrokerAdministration"/> (the management API) with the least permissions its grants need, and its record
/// in the metadata service. Removed on dispose.
/// </summary>
internal sealed class LeastPrivilegeUser : IAsyncDisposable
{
    private readonly SecuredFixture _fixture;

    private LeastPrivilegeUser(SecuredFixture fixture, BrokerAdministration broker, PlatformUser user, Uri busUri)
    {
        _fixture = fixture;
        Broker = broker;
        User = user;
        BusUri = busUri;
    }

    public BrokerAdministration Broker { get; }

    public PlatformUser User { get; private set; }

    public string Name => User.Name;

    public Uri BusUri { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<LeastPrivilegeUser> CreateAsync(SecuredFixture fixture, params UserGrant[] grants)
    {
        var broker = new BrokerAdministration(Requirements.BusUri) { EndpointPrefix = fixture.Prefix };
        var name = "least-" + Guid.NewGuid().ToString("N")[..10];
        var uri = await broker.CreateUserAsync(name, Ct);
        var user = await fixture.Client.Users.CreateAsync(new CreateUser { Name = name, Grants = grants }, Ct);
        await broker.SetPermissionsAsync(user, Ct);
        return new LeastPrivilegeUser(fixture, broker, user, uri);
    }

    /// <summary>Revokes a namespace as <c>admin users revoke</c> does: the record, then the broker.</summary>
    public async Task RevokeAsync(string @namespace)
    {
        User = await _fixture.Client.Users.RevokeAsync(Name, @namespace, Ct);
        await Broker.SetPermissionsAsync(User, Ct);
    }

    /// <summary>A client of the fixture's services acting as this user.</summary>
    public Task<PlatformClient> ConnectAsync()
    {
        var options = _fixture.ClientOptions;
        options.BusUri = BusUri;
        return PlatformClient.ConnectAsync(options, Ct);
    }

    /// <summary>A plain AMQP connection as this user, for what the client library would never do.</summary>
    public Task<IConnection> ConnectRawAsync() => new ConnectionFactory { Uri = BusUri }.CreateConnectionAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await Broker.DeleteUserAsync(Name, CancellationToken.None);
        await _fixture.Client.Users.DeleteAsync(Name, CancellationToken.None);
        Broker.Dispose();
    }
}

internal static class BrokerExpect
{
    /// <summary>
    /// Runs <paramref name="action"/> on a new channel of <paramref name="connection"/> and expects the broker to close
    /// that channel with 403 ACCESS_REFUSED. A qos round trip (which needs no permission) follows the action, so a
    /// publish, which the broker answers only when it refuses, is judged too.
    /// </summary>
    public static async Task<string> RefusesAsync(IConnection connection, Func<IChannel, Task> action)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
            {
                await action(channel);
                await channel.BasicQosAsync(0, 1, false);
            });
            Assert.True(channel.CloseReason?.ReplyCode == 403, $"expected 403 ACCESS_REFUSED, got {channel.CloseReason}");
            return channel.CloseReason.ReplyText;
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>The control for <see cref="RefusesAsync"/>: the same kind of action on the user's own names is allowed.</summary>
    public static async Task AllowsAsync(IConnection connection, Func<IChannel, Task> action)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        await action(channel);
        await channel.BasicQosAsync(0, 1, false);
        Assert.True(channel.IsOpen, $"the channel closed: {channel.CloseReason}");
    }
}
