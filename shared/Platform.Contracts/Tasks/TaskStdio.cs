namespace Platform.Contracts.Tasks;

/// <summary>How a container's spec asks for a terminal and for stdin. Part of the wire (the spec is kept verbatim).</summary>
public static class TaskStdio
{
    /// <summary>
    /// Spec annotation: <c>"true"</c> keeps the init process's stdin open for <see cref="WriteTaskStdin"/> (docker's
    /// <c>-i</c>, OpenStdin). Without it the process's stdin is empty (end of file at once). A terminal is the OCI
    /// spec's own <c>process.terminal</c>.
    /// </summary>
    public const string StdinAnnotation = "io.platform.stdin";
}
