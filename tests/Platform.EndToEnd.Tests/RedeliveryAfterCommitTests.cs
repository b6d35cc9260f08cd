using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The metadata service's store commits a write and then fails once before the reply goes out (as a service that dies
/// between commit and acknowledgement, or whose reply could not be sent): MassTransit delivers the command again.
/// </summary>
public sealed class FailAfterCommitFixture : PlatformFixture
{
    public ConcurrentDictionary<string, int> Failures { get; } = new();

    protected override void OverrideServices(IServiceCollection services)
    {
        // Only the container use cases see the failing store; the relay and the initialiser keep the real one.
        services.Remove(services.Last(d => d.ServiceType == typeof(ContainerService)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ContainerService>(sp,
            new FailAfterCommit(sp.GetRequiredService<IContainerStore>(), Failures)));
    }

    /// <summary>Fails the first write of each container whose id starts with <c>fail-once</c>, after the store committed it.</summary>
    private sealed class FailAfterCommit(IContainerStore inner, ConcurrentDictionary<string, int> failures) : IContainerStore
    {
        public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.GetAsync(@namespace, id, cancellationToken);

        public Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken) =>
            inner.ListAsync(@namespace, filters, limit, after, cancellationToken);

        public async Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
        {
            await inner.CreateAsync(container, makeEvent, cancellationToken, outcome);
            FailOnce(container.Id, "create");
        }

        public async Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
            CommandOutcome? outcome = null)
        {
            var written = await inner.UpdateAsync(container, expectedVersion, makeEvent, cancellationToken, outcome);
            if (written)
                FailOnce(container.Id, "update");
            return written;
        }

        public async Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent,
            CancellationToken cancellationToken, CommandOutcome? outcome = null)
        {
            var deleted = await inner.DeleteAsync(@namespace, id, expectedVersion, expectedHold, makeEvent, cancellationToken, outcome);
            if (deleted)
                FailOnce(id, "delete");
            return deleted;
        }

        public Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken) =>
            inner.GetWithHoldAsync(@namespace, id, cancellationToken);

        public Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
            inner.HoldAsync(@namespace, id, generation, cancellationToken);

        public Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(@namespace, id, generation, cancellationToken);

        private void FailOnce(string id, string write)
        {
            if (id.StartsWith("fail-once", StringComparison.Ordinal) && failures.AddOrUpdate($"{write}/{id}", 1, (_, n) => n + 1) == 1)
                throw new IOException($"simulated failure after the {write} of {id} committed, before its reply");
        }
    }
}

/// <summary>
/// A write that committed but failed before its reply is delivered again (MassTransit's retry, with the same message id);
/// the second delivery finds the first one's outcome and answers it: the caller sees success, and one event went out.
/// </summary>
public sealed class When_a_write_fails_after_it_committed(FailAfterCommitFixture fixture) : IClassFixture<FailAfterCommitFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_answer_each_write_from_its_first_outcome_when_delivered_again()
    {
        var client = fixture.Client;
        var ns = "after-commit-" + Guid.NewGuid().ToString("N")[..8];
        var seen = new ConcurrentQueue<object>();
        await using (await client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == ns)
                seen.Enqueue(e);
            return Task.CompletedTask;
        }, cancellationToken: Ct))
        {
            var created = await client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = "fail-once", Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);
            var updated = await client.Containers.UpdateAsync(new UpdateContainer
            {
                Namespace = ns, Id = "fail-once", Labels = new Dictionary<string, string> { ["k"] = "v" }, UpdateMask = ["labels.k"],
            }, Ct);
            var deleted = await client.Containers.DeleteAsync("fail-once", @namespace: ns, cancellationToken: Ct);

            Assert.Equal(1, created.Version);
            Assert.Equal(2, updated.Version);
            Assert.Equal(2, deleted.Version);
            // Each write failed once after committing, so each was delivered (at least) twice.
            Assert.All(["create", "update", "delete"], write => Assert.True(fixture.Failures.GetValueOrDefault($"{write}/fail-once") >= 1, $"the {write} never failed"));

            await client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = "marker", Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);
            await Eventually.TrueAsync(() => seen.OfType<ContainerCreated>().Any(e => e.Container.Id == "marker"), Ct, because: "the marker's event arrives");
        }

        Assert.Single(seen.OfType<ContainerCreated>(), e => e.Container.Id == "fail-once");
        Assert.Single(seen.OfType<ContainerUpdated>(), e => e.Container.Id == "fail-once");
        Assert.Single(seen.OfType<ContainerDeleted>(), e => e.Id == "fail-once");
    }
}
