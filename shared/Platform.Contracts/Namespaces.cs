namespace Platform.Contracts;

/// <summary>Namespace names with a meaning of their own.</summary>
public static class Namespaces
{
    /// <summary>Used when a message carries no namespace.</summary>
    public const string Default = "default";
}
