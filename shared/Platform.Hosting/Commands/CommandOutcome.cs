namespace Platform.Hosting.Commands;

/// <summary>
/// A command's first successful outcome, stored in the same transaction as the change it made: <paramref name="Result"/>
/// is the JSON of what its reply carried, given again to a redelivery of the same command.
/// </summary>
public sealed record CommandOutcome(Guid CommandId, string Command, string Subject, string Result, DateTimeOffset RecordedAt);
