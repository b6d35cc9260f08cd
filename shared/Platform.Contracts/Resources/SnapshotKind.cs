namespace Platform.Contracts.Resources;

/// <summary>How a snapshot may be used.</summary>
public enum SnapshotKind
{
    /// <summary>Read-write; can be committed.</summary>
    Active = 1,

    /// <summary>Read-only; cannot be committed.</summary>
    View = 2,

    /// <summary>Immutable; the only kind that can be a parent.</summary>
    Committed = 3,
}
