using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Health;

/// <summary>What one probe result did to a task's health: the health after it, and whether its status changed.</summary>
public sealed record HealthStep(TaskHealth Health, bool Changed, string OldStatus);
