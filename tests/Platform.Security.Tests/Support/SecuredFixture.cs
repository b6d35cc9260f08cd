using Platform.Client;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Support;

/// <summary>
/// A Platform host whose administrator is a broker user of its own (named in <c>Security:Admins</c>), with grants
/// re-read after 200 ms so a revoke shows at once. <see cref="PlatformFixture.Client"/> is still the services' own
/// user; <see cref="ConnectAsync"/> connects as any other.
/// </summary>
public sealed class SecuredFixture : PlatformFixture
{
    private BrokerUser? _admin;

    public BrokerUser Admin => _admin ?? throw new InvalidOperationException("the fixture did not start");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Security:GrantCacheTtl"] = "00:00:00.200",
        ["Security:Admins:0"] = _admin?.Name,
    };

    public override async ValueTask InitializeAsync()
    {
        try
        {
            Requirements.RabbitMq();
        }
        catch (Exception)
        {
            return;
        }
        _admin = await BrokerUsers.CreateAsync("admin");
        await base.InitializeAsync();
    }

    /// <summary>A client of this host's services acting as <paramref name="user"/>.</summary>
    public Task<PlatformClient> ConnectAsync(BrokerUser user)
    {
        var options = ClientOptions;
        options.BusUri = user.BusUri;
        return PlatformClient.ConnectAsync(options, TestContext.Current.CancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_admin is not null)
            await _admin.DisposeAsync();
    }
}
