using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Store;

/// <summary>
/// A task's health check and health kept in one JSON value by both stores (a column in SQLite, a string in MongoDB),
/// so adding health cost each store one field: <c>{"check":"…label JSON…","health":{"status":"healthy","failingStreak":0,"log":[…]}}</c>.
/// </summary>
internal static class HealthColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string? Write(TaskRecord task) =>
        task.HealthCheck is null ? null : JsonSerializer.Serialize(new HealthDocument(task.HealthCheck, task.Health), Json);

    public static TaskRecord WithHealth(this TaskRecord task, string? column)
    {
        if (string.IsNullOrEmpty(column))
            return task;
        var document = JsonSerializer.Deserialize<HealthDocument>(column, Json)!;
        return task with { HealthCheck = document.Check, Health = document.Health };
    }

    private sealed record HealthDocument(string Check, TaskHealth? Health);
}
