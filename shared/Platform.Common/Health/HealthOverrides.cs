namespace Platform.Common.Health;

/// <summary>
/// What a user asked of a new container's health check (docker's <c>--health-*</c> and <c>--no-healthcheck</c>,
/// podman's <c>--health-on-failure</c>), merged over the image's Healthcheck into the label <see cref="HealthCheck.Label"/>.
/// </summary>
public sealed record HealthOverrides
{
    /// <summary>Members set by flags; the others inherit the image's, then the defaults.</summary>
    public HealthConfig? Config { get; init; }

    /// <summary><c>--no-healthcheck</c>: no check, whatever the image says.</summary>
    public bool Disabled { get; init; }

    /// <summary>none (null), kill or restart.</summary>
    public string? OnFailure { get; init; }

    /// <summary>
    /// <paramref name="labels"/> with the resolved check's label when there is a check (replacing one given as a label),
    /// without it when <see cref="Disabled"/>; otherwise unchanged.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ApplyTo(HealthOverrides? overrides, HealthConfig? image, IReadOnlyDictionary<string, string>? labels)
    {
        var result = new Dictionary<string, string>(labels ?? new Dictionary<string, string>());
        if (HealthCheck.Resolve(overrides?.Config, image, overrides?.Disabled ?? false, overrides?.OnFailure) is { } check)
            result[HealthCheck.Label] = check.ToJson();
        else if (overrides?.Disabled == true)
            result.Remove(HealthCheck.Label);
        return result;
    }
}
