using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A refused request (NotFound, InvalidArgument, ...) is answered and done with. MassTransit moves a message it
/// believes nobody consumed to the queue's <c>_skipped</c> queue, so a refusal not reported as a consumption
/// would leave a copy of every refused request there, for ever.
/// </summary>
public sealed class When_a_request_is_refused(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Namespace = "refusals";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_answer_it_and_park_no_copy_of_it()
    {
        var missing = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.GetAsync("missing", Namespace, Ct));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        var invalid = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.CreateAsync(new CreateContainer { Namespace = Namespace }, Ct));
        Assert.Equal(ErrorKind.InvalidArgument, invalid.Kind);
        var noTask = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Tasks.GetAsync("missing", Namespace, Ct));
        Assert.Equal(ErrorKind.NotFound, noTask.Kind);

        // The move to _skipped happens after the reply went out; give it time to happen before looking.
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        foreach (var queue in new[] { ContainerQueues.Get, ContainerQueues.Create, TaskQueues.Get })
        {
            Assert.True(await BrokerProbe.MessageCountAsync(fixture.Prefix + queue + "_skipped", Ct) == 0, $"a refused request was parked in {queue}_skipped");
            Assert.True(await BrokerProbe.MessageCountAsync(fixture.Prefix + queue + "_error", Ct) == 0, $"a refused request was parked in {queue}_error");
        }
    }
}
