namespace Platform.Common.Security;

/// <summary>One rule a spec breaks.</summary>
/// <param name="Field">The JSON path of the field, e.g. <c>process.capabilities.bounding[3]</c> or <c>linux.namespaces</c>.</param>
/// <param name="Rule">What is wrong with it, as a person reads it.</param>
/// <param name="Malformed">The field is not what the OCI spec says it is (wrong JSON type): InvalidArgument, whoever asks.</param>
public sealed record PolicyViolation(string Field, string Rule, bool Malformed = false)
{
    public override string ToString() => $"{Field}: {Rule}";
}
