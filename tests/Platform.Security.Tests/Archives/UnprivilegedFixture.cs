using Platform.Client;
using Platform.Contracts.Users;
using Platform.Testing;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// A Platform host and, beside the services' own client, a client connected as a broker user of its own, privileged in
/// no namespace and granted read-write in each namespace a test asks for (<see cref="UserInAsync"/>). One user per test class: making one takes rabbitmqctl several seconds.
/// </summary>
public sealed class UnprivilegedFixture : PlatformFixture
{
    private BrokerUser? _user;
    private PlatformClient? _client;

    /// <summary>The client of the unprivileged user.</summary>
    public PlatformClient User
    {
        get
        {
            Requirements.RabbitMq();
            return _client ?? throw new InvalidOperationException("the fixture did not start");
        }
    }

    /// <summary>
    /// The client of the unprivileged user, granted read-write (not privileged) in <paramref name="namespace"/> first, so a
    /// refusal the test expects comes from the archive rules, not from a missing grant.
    /// </summary>
    public async Task<PlatformClient> UserInAsync(string @namespace)
    {
        var client = User;
        await Client.Users.GrantAsync(_user!.Name, new UserGrant { Namespace = @namespace, Role = NamespaceRole.ReadWrite });
        return client;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            Requirements.RabbitMq();
        }
        catch (Exception)
        {
            return;
        }
        _user = await BrokerUsers.CreateAsync("archives");
        await Client.Users.CreateAsync(new CreateUser { Name = _user.Name });
        var options = ClientOptions; // a new copy on each read
        options.BusUri = _user.BusUri;
        _client = await PlatformClient.ConnectAsync(options);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        if (_user is not null)
            await _user.DisposeAsync();
        await base.DisposeAsync();
    }
}
