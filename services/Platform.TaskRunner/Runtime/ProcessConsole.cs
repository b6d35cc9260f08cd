namespace Platform.TaskRunner.Runtime;

/// <summary>How a task process's stdio is set up: on a terminal (<c>-t</c>), and with its stdin open to writes (<c>-i</c>).</summary>
public sealed record ProcessConsole(bool Terminal, bool Stdin);
