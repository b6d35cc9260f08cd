using MassTransit;
using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Users;
using Platform.Hosting.Bus;
using Platform.Metadata;
using Platform.ResourceGc;
using Platform.TaskRunner;
using Xunit;

namespace Platform.Security.Tests.BrokerPermissions;

/// <summary>
/// The list of commands a client may write (<see cref="ClientCommands"/>) against what the services listen on: a new
/// command fails here until someone decides whether clients may send it.
/// </summary>
public sealed class ClientCommandsTests
{
    private static readonly (string Queue, Type Message)[] Served = new ConsumerEndpoints()
        .AddMetadataConsumers().AddResourceGcConsumers().AddTaskRunnerConsumers()
        .All
        .SelectMany(e => e.Consumer.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => (e.Queue, Message: i.GetGenericArguments()[0])))
        .Distinct()
        .ToArray();

    [Fact]
    public void Every_command_the_services_serve_is_a_client_command_unless_it_is_internal()
    {
        var commands = Served.Where(s => !typeof(IPlatformEvent).IsAssignableFrom(s.Message)).ToList();
        Assert.All(commands, s => Assert.Contains(s.Queue, ClientCommands.QueuesOf(s.Message)));
        var expected = commands.Where(s => RequiresAttribute.Of(s.Message) != Access.Service).Select(s => s.Message.Name).Distinct().Order().ToList();
        Assert.Equal(expected, ClientCommands.All.Select(t => t.Name).Order().ToList());
    }

    [Fact]
    public void No_client_command_is_internal_and_event_queues_are_never_writable()
    {
        Assert.DoesNotContain(ClientCommands.All, t => RequiresAttribute.Of(t) == Access.Service);
        var admin = ClientPermissions.For(new PlatformUser { Name = "a", Admin = true }, "p-");
        var eventQueues = Served.Where(s => typeof(IPlatformEvent).IsAssignableFrom(s.Message)).Select(s => "p-" + s.Queue).Distinct().ToList();
        Assert.NotEmpty(eventQueues);
        Assert.All(eventQueues, q => Assert.DoesNotMatch(admin.Write, q));
        Assert.All(EventTopology.Exchanges, x => Assert.DoesNotMatch(admin.Write, x));
        Assert.DoesNotMatch(admin.Write, "p-add-reference");
        Assert.Matches(admin.Write, "p-create-container");
    }

    [Fact]
    public void A_user_reaches_only_its_own_names_and_never_another_users()
    {
        var alice = ClientPermissions.For(new PlatformUser { Name = "alice", Grants = [new UserGrant { Namespace = "a", Role = NamespaceRole.ReadWrite }] });
        Assert.Matches(alice.Configure, ClientNames.BusEndpoint("alice"));
        Assert.Matches(alice.Configure, ClientNames.Send("alice"));
        Assert.DoesNotMatch(alice.Configure, ClientNames.Send("alice-bob"));
        Assert.DoesNotMatch(alice.Read, ClientNames.BusEndpoint("alice.bob"));
        Assert.DoesNotMatch(alice.Configure, "create-container");
        Assert.DoesNotMatch(alice.Read, "create-container");
        Assert.Matches(alice.Read, EventTopology.ExchangeOf(typeof(Platform.Contracts.Containers.ContainerCreated)));
    }

    [Fact]
    public void Read_only_users_write_queries_only_and_administrators_also_user_management()
    {
        var reader = ClientPermissions.For(new PlatformUser { Name = "r", Grants = [new UserGrant { Namespace = "a", Role = NamespaceRole.Read }] });
        Assert.Matches(reader.Write, "get-container");
        Assert.DoesNotMatch(reader.Write, "delete-container");
        Assert.DoesNotMatch(reader.Write, "grant-namespace");
        var admin = ClientPermissions.For(new PlatformUser { Name = "a", Admin = true });
        Assert.Matches(admin.Write, "grant-namespace");
    }

    [Fact]
    public void Topic_permissions_name_exactly_the_granted_namespaces()
    {
        var user = new PlatformUser { Name = "u", Grants = [new UserGrant { Namespace = "team.a", Role = NamespaceRole.Read }] };
        var topics = TopicPermissions.For(user);
        Assert.Equal(EventTopology.Exchanges.Order(), topics.Select(t => t.Exchange).Order());
        var read = topics[0].Read;
        Assert.Matches(read, "team.a");
        Assert.DoesNotMatch(read, "team-a");
        Assert.DoesNotMatch(read, "teamxa");
        Assert.DoesNotMatch(read, "#");
        Assert.DoesNotMatch(read, "team.a.b");
        Assert.All(topics, t => Assert.DoesNotMatch(t.Write, "team.a"));
        Assert.Matches(TopicPermissions.For(new PlatformUser { Name = "adm", Admin = true })[0].Read, "#");
    }
}
