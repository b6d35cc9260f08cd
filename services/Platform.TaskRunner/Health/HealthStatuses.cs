namespace Platform.TaskRunner.Health;

/// <summary>docker's health statuses, as <c>TaskHealth.Status</c> and <c>HealthChanged</c> carry them.</summary>
public static class HealthStatuses
{
    public const string Starting = "starting";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
}
