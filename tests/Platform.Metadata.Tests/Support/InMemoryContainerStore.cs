using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;

namespace Platform.Metadata.Tests.Support;

/// <summary>
/// A store with the <see cref="IContainerStore"/> contract and nothing else, for testing the service's rules
/// without a database. It remembers the events it was given and the limit of the last list, so tests can see
/// what the service asked of it.
/// </summary>
public sealed class InMemoryContainerStore : IContainerStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Namespace, string Id), Container> _containers = [];
    private readonly Dictionary<(string Namespace, string Id), long> _sequences = [];
    private readonly Dictionary<(string Namespace, string Id), TaskHold> _holds = [];
    private readonly List<IPlatformEvent> _events = [];

    public int? LastListLimit { get; private set; }

    public IReadOnlyList<IPlatformEvent> Events
    {
        get
        {
            lock (_lock)
                return [.. _events];
        }
    }

    /// <summary>Puts a container in place as if it had been created earlier, without an event.</summary>
    public void Seed(Container container)
    {
        lock (_lock)
            _containers[(container.Namespace, container.Id)] = container;
    }

    public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_containers.GetValueOrDefault((@namespace, id)));
    }

    public Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            LastListLimit = limit;
            var matching = _containers.Values
                .Where(c => c.Namespace == @namespace && string.CompareOrdinal(c.Id, after ?? "") > 0)
                .Where(c => filters.Match(new ContainerFields(c)))
                .OrderBy(c => c.Id, StringComparer.Ordinal)
                .ToList();
            var page = matching.Take(limit).ToList();
            return Task.FromResult(new ContainerPage(page, matching.Count > limit ? page[^1].Id : null));
        }
    }

    public Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        lock (_lock)
        {
            if (!_containers.TryAdd((container.Namespace, container.Id), container))
                throw PlatformException.AlreadyExists($"container {container.Id} already exists in namespace {container.Namespace}");
            Append(container.Namespace, container.Id, makeEvent);
        }
        return Task.CompletedTask;
    }

    public Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        lock (_lock)
        {
            var key = (container.Namespace, container.Id);
            if (!_containers.TryGetValue(key, out var stored) || stored.Version != expectedVersion)
                return Task.FromResult(false);
            _containers[key] = container;
            Append(container.Namespace, container.Id, makeEvent);
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent,
        CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        lock (_lock)
        {
            if (!_containers.TryGetValue((@namespace, id), out var stored) || stored.Version != expectedVersion
                || _holds.GetValueOrDefault((@namespace, id)) != expectedHold)
                return Task.FromResult(false);
            _containers.Remove((@namespace, id));
            _holds.Remove((@namespace, id));
            Append(@namespace, id, makeEvent);
            return Task.FromResult(true);
        }
    }

    public Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<(Container, TaskHold)?>(_containers.TryGetValue((@namespace, id), out var c)
                ? (c, _holds.GetValueOrDefault((@namespace, id)))
                : null);
        }
    }

    public Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_containers.TryGetValue((@namespace, id), out var c))
                return Task.FromResult<Container?>(null);
            _holds[(@namespace, id)] = new TaskHold(generation);
            return Task.FromResult<Container?>(c);
        }
    }

    public Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_containers.ContainsKey((@namespace, id)) || _holds.GetValueOrDefault((@namespace, id)).Generation != generation)
                return Task.FromResult(false);
            _holds[(@namespace, id)] = TaskHold.None;
            return Task.FromResult(true);
        }
    }

    private void Append(string @namespace, string id, EventFactory makeEvent)
    {
        var sequence = _sequences[(@namespace, id)] = _sequences.GetValueOrDefault((@namespace, id)) + 1;
        _events.Add(makeEvent(sequence));
    }
}
