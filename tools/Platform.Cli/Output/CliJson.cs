using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Cli.Output;

/// <summary>
/// The CLI's own JSON, with generated code (a native platformctl has no reflection-based JSON): events as
/// <c>events -o json</c> prints them (camelCase, enums as numbers) and the JSON form of <c>--change</c>. A test checks
/// every event type is listed.
/// </summary>
[JsonSerializable(typeof(global::Platform.Contracts.Containers.ContainerCreated))]
[JsonSerializable(typeof(global::Platform.Contracts.Containers.ContainerDeleted))]
[JsonSerializable(typeof(global::Platform.Contracts.Containers.ContainerUpdated))]
[JsonSerializable(typeof(global::Platform.Contracts.Images.ImageCreated))]
[JsonSerializable(typeof(global::Platform.Contracts.Images.ImageDeleted))]
[JsonSerializable(typeof(global::Platform.Contracts.Images.ImageUpdated))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.ContentCommitted))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.ContentRemoved))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.GarbageCollected))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.LeaseCreated))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.LeaseDeleted))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.SnapshotCommitted))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.SnapshotPrepared))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.SnapshotRemoved))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.VolumeCreated))]
[JsonSerializable(typeof(global::Platform.Contracts.Resources.VolumeRemoved))]
[JsonSerializable(typeof(global::Platform.Contracts.Networks.NetworkCreated))]
[JsonSerializable(typeof(global::Platform.Contracts.Networks.NetworkRemoved))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskCreated))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskDeleted))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskExecStarted))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskExited))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskOom))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskUpdated))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.HealthChanged))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskRestarted))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskPaused))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskResumed))]
[JsonSerializable(typeof(global::Platform.Contracts.Tasks.TaskStarted))]
[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false)]
internal sealed partial class CliJson : JsonSerializerContext
{
}
