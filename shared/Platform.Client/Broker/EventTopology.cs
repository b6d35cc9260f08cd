using System.Reflection;
using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Images;
using Platform.Contracts.Networks;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using RabbitMQ.Client;

namespace Platform.Client;

/// <summary>
/// Where events go on the broker: one durable topic exchange per event type, named
/// <c>platform.events:</c> + its message URN without <c>platform:</c> (<c>platform.events:containers:ContainerCreated</c>),
/// and the event's namespace as the routing key. A subscriber binds the namespaces it wants (the services bind
/// <c>#</c>), and RabbitMQ's topic permissions decide which namespaces a user may bind.
/// </summary>
/// <remarks>
/// These exchanges replaced MassTransit's default fanout exchanges (named after the .NET type,
/// <c>Platform.Contracts.Containers:ContainerCreated</c>): an exchange's type can't change, so the new ones needed new
/// names. The old exchanges stay on a broker that had them, unused; delete them once no older version publishes.
/// </remarks>
public static class EventTopology
{
    /// <summary>What every event exchange's name starts with.</summary>
    public const string ExchangePrefix = "platform.events:";

    /// <summary>The binding key of a subscription to every namespace.</summary>
    public const string EveryNamespace = "#";

    /// <summary>
    /// Every event type, listed by hand rather than found by reflection, so a native (trimmed) client knows them too. A
    /// test compares this list with the contracts assembly's, so a new event can't be left out.
    /// </summary>
    private static void ForEach(IEventTypeVisitor visitor)
    {
        visitor.Visit<ContainerCreated>();
        visitor.Visit<ContainerDeleted>();
        visitor.Visit<ContainerUpdated>();
        visitor.Visit<ContentCommitted>();
        visitor.Visit<ContentRemoved>();
        visitor.Visit<GarbageCollected>();
        visitor.Visit<ImageCreated>();
        visitor.Visit<ImageDeleted>();
        visitor.Visit<ImageUpdated>();
        visitor.Visit<LeaseCreated>();
        visitor.Visit<LeaseDeleted>();
        visitor.Visit<SnapshotCommitted>();
        visitor.Visit<SnapshotPrepared>();
        visitor.Visit<SnapshotRemoved>();
        visitor.Visit<VolumeCreated>();
        visitor.Visit<VolumeRemoved>();
        visitor.Visit<NetworkCreated>();
        visitor.Visit<NetworkRemoved>();
        visitor.Visit<TaskCreated>();
        visitor.Visit<TaskDeleted>();
        visitor.Visit<TaskExecStarted>();
        visitor.Visit<TaskExited>();
        visitor.Visit<TaskOom>();
        visitor.Visit<TaskUpdated>();
        visitor.Visit<HealthChanged>();
        visitor.Visit<TaskRestarted>();
        visitor.Visit<TaskPaused>();
        visitor.Visit<TaskResumed>();
        visitor.Visit<TaskStarted>();
    }

    private static readonly Type[] Types = TypeList.Collect();

    /// <summary>Every event type Platform publishes.</summary>
    public static IReadOnlyList<Type> EventTypes => Types;

    /// <summary>Every event exchange.</summary>
    public static IEnumerable<string> Exchanges => Types.Select(ExchangeOf);

    /// <summary>The exchange events of <paramref name="eventType"/> are published to.</summary>
    public static string ExchangeOf(Type eventType)
    {
        var urn = eventType.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString();
        var name = urn is null ? eventType.FullName! : urn[MessageUrn.Prefix.Length..];
        return ExchangePrefix + (name.StartsWith("platform:", StringComparison.Ordinal) ? name["platform:".Length..] : name);
    }

    /// <summary>The routing key of an event of namespace <paramref name="namespace"/> (never empty).</summary>
    public static string RoutingKeyOf(string? @namespace) => string.IsNullOrEmpty(@namespace) ? Namespaces.Default : @namespace;

    /// <summary>
    /// Publishes events as above from the bus being configured. Call it first, before any endpoint, so that no
    /// event type's topology exists under its default name already.
    /// </summary>
    public static void UsePlatformEventTopology(this IRabbitMqBusFactoryConfigurator cfg) => ForEach(new Publishing(cfg));

    /// <summary>Calls <see cref="IEventTypeVisitor.Visit{T}"/> once with every event type.</summary>
    internal static void Visit(IEventTypeVisitor visitor) => ForEach(visitor);

    private sealed class TypeList : IEventTypeVisitor
    {
        private readonly List<Type> _types = [];

        public static Type[] Collect()
        {
            var list = new TypeList();
            ForEach(list);
            return [.. list._types.OrderBy(t => t.Name, StringComparer.Ordinal)];
        }

        public void Visit<T>()
            where T : class, IPlatformEvent => _types.Add(typeof(T));
    }

    private sealed class Publishing(IRabbitMqBusFactoryConfigurator cfg) : IEventTypeVisitor
    {
        public void Visit<T>()
            where T : class, IPlatformEvent
        {
            cfg.Message<T>(m => m.SetEntityName(ExchangeOf(typeof(T))));
            cfg.Publish<T>(p => p.ExchangeType = ExchangeType.Topic);
            cfg.Send<T>(s => s.UseRoutingKeyFormatter(context => RoutingKeyOf(context.Message.Namespace)));
        }
    }
}

/// <summary>Something done once per event type, with the type as a generic argument (no reflection): see <see cref="EventTopology.Visit"/>.</summary>
internal interface IEventTypeVisitor
{
    void Visit<T>()
        where T : class, IPlatformEvent;
}
