using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: create a lease. Replies <see cref="LeaseResult"/>.</summary>
[MessageUrn("platform:resources:CreateLease")]
public sealed record CreateLease
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; generated when absent.</summary>
    public string? Id { get; init; }

    /// <summary>Optional. Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. When it stops protecting.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
