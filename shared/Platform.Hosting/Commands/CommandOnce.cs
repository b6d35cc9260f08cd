using System.Text.Json;
using Platform.Common.Errors;

namespace Platform.Hosting.Commands;

/// <summary>
/// Runs a command at most once per message id: a redelivery (the service died between commit and acknowledgement, a
/// channel closed) or a retry with the same id gets the first outcome again, never AlreadyExists or NotFound for the
/// change it made itself. The outcome is written by the store in the change's own transaction (the write method takes
/// the <see cref="CommandOutcome"/> this makes), so a change and its outcome exist together or not at all.
/// </summary>
/// <remarks>
/// The outcome's key (the message id) is what makes it once: a second delivery that runs the command again fails where the
/// change or the outcome would be written twice (the container exists, is gone, or the outcome's id is taken), rolls back,
/// and answers with the outcome it then finds. Only a delivery known to be a repeat (<see cref="CommandKey.Repeated"/>)
/// looks first, to skip that work; a first delivery pays for one more row in its transaction and no read. Only successes
/// are remembered: a refused command changed nothing, so running it again gives the same refusal (or a success, if what
/// refused it changed meanwhile, which is what a new attempt should see).
/// </remarks>
public sealed class CommandOnce(ICommandOutcomeStore? store, TimeProvider clock)
{
    /// <summary>Runs every command as it comes, remembering nothing (a service built without an outcome store, as in unit tests).</summary>
    public static readonly CommandOnce Unrecorded = new(null, TimeProvider.System);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="key">The command's key; null runs it without remembering (a message without an id).</param>
    /// <param name="run">The command; it hands the store the outcome the given function makes from its result.</param>
    public async Task<T> RunAsync<T>(CommandKey? key, Func<Func<T, CommandOutcome?>, Task<T>> run, CancellationToken cancellationToken)
        where T : class
    {
        if (key is null || store is null)
            return await run(_ => null);
        if (key.Repeated && await EarlierAsync<T>(key, cancellationToken) is { } earlier)
            return earlier;
        try
        {
            return await run(result => new CommandOutcome(key.Id, key.Command, key.Subject, JsonSerializer.Serialize(result, Json), clock.GetUtcNow()));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An earlier delivery of this command committed (before this one, or while it ran): its outcome is the answer.
            if (await EarlierAsync<T>(key, CancellationToken.None) is { } committed)
                return committed;
            throw;
        }
    }

    /// <summary>
    /// As <see cref="RunAsync{T}"/> for a command whose effect is not a write of the store (a signal sent) or completes in
    /// several steps: its outcome is recorded on its own once it succeeded. A crash between the effect and that record
    /// leaves a redelivery to run it again.
    /// </summary>
    public Task<T> RunThenRecordAsync<T>(CommandKey? key, Func<Task<T>> run, CancellationToken cancellationToken)
        where T : class =>
        RunAsync<T>(key, async outcome =>
        {
            var result = await run();
            if (outcome(result) is { } recorded)
                await store!.RecordAsync(recorded, cancellationToken);
            return result;
        }, cancellationToken);

    private async Task<T?> EarlierAsync<T>(CommandKey key, CancellationToken cancellationToken)
        where T : class
    {
        if (await store!.FindAsync(key.Id, cancellationToken) is not { } outcome)
            return null;
        if (outcome.Command != key.Command || outcome.Subject != key.Subject)
            throw PlatformException.InvalidArgument(
                $"message id {key.Id} was already used for {outcome.Command} of {outcome.Subject}; a new command needs a new message id");
        return JsonSerializer.Deserialize<T>(outcome.Result, Json)
            ?? throw new InvalidOperationException($"the stored outcome of command {key.Id} is empty");
    }
}
