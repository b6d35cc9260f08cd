using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Metadata.Store;

namespace Platform.Metadata.Tests.Support;

/// <summary>
/// Lets another writer change the container between the service's read and its write, the given number of
/// times: each racing write adds a label <c>racer-N</c> and bumps the version, so the service's write finds a
/// stale version.
/// </summary>
public sealed class RacingStore(IContainerStore inner, int races) : IContainerStore
{
    private int _racesLeft = races;

    public int Races { get; private set; }

    public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        inner.GetAsync(@namespace, id, cancellationToken);

    public Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken) =>
        inner.ListAsync(@namespace, filters, limit, after, cancellationToken);

    public Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        inner.CreateAsync(container, makeEvent, cancellationToken, outcome);

    public async Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        await RaceAsync(container.Namespace, container.Id, cancellationToken);
        return await inner.UpdateAsync(container, expectedVersion, makeEvent, cancellationToken, outcome);
    }

    public async Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent,
        CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        await RaceAsync(@namespace, id, cancellationToken);
        return await inner.DeleteAsync(@namespace, id, expectedVersion, expectedHold, makeEvent, cancellationToken, outcome);
    }

    public Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        inner.GetWithHoldAsync(@namespace, id, cancellationToken);

    public Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
        inner.HoldAsync(@namespace, id, generation, cancellationToken);

    public Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(@namespace, id, generation, cancellationToken);

    private async Task RaceAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        if (_racesLeft == 0)
            return;
        _racesLeft--;
        Races++;
        var current = await inner.GetAsync(@namespace, id, cancellationToken) ?? throw new InvalidOperationException("nothing to race");
        var raced = current with
        {
            Labels = new Dictionary<string, string>(current.Labels) { [$"racer-{Races}"] = "1" },
            Version = current.Version + 1,
        };
        var won = await inner.UpdateAsync(raced, current.Version, seq => new ContainerUpdated
        {
            EventId = Guid.NewGuid(), Timestamp = raced.UpdatedAt, Namespace = @namespace, Sequence = seq, Container = raced,
        }, cancellationToken);
        if (!won)
            throw new InvalidOperationException("the racing write itself lost");
    }
}
