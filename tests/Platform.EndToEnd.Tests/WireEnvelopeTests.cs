using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MassTransit;
using MassTransit.Serialization;
using Platform.Client.Requests;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The envelope a client on its own connection writes and reads without MassTransit says what MassTransit's would:
/// every contract has generated serialisation code, a message is written as MassTransit's serializer writes it, and
/// replies of every kind are read as the MassTransit path reads them.
/// </summary>
public sealed class When_a_message_is_written_without_MassTransit
{
    private static readonly JsonSerializerOptions MassTransitJson = MassTransitOptions();

    [Fact]
    public void Every_contract_has_generated_serialisation_code()
    {
        var contracts = typeof(ErrorReply).Assembly.GetExportedTypes().Where(t => t.GetCustomAttribute<MessageUrnAttribute>() is not null).ToList();

        var missing = contracts.Where(t => Envelope.Options.TypeInfoResolver!.GetTypeInfo(t, Envelope.Options) is null).Select(t => t.FullName).ToList();

        Assert.True(contracts.Count > 100, $"only {contracts.Count} contracts found");
        Assert.True(missing.Count == 0, "add to Platform.Client/Requests/WireTypes.cs: " + string.Join(", ", missing));
    }

    public static TheoryData<object> Samples => new()
    {
        new CreateContainer
        {
            Namespace = "ns", Id = "web", Labels = new Dictionary<string, string> { ["a"] = "é<>&'\"" }, Runtime = new RuntimeInfo { Name = "runc" },
            Spec = """{"ociVersion":"1.1.0"}""", Snapshotter = null,
        },
        new CreateLease { Namespace = "ns", Id = "l", ExpiresAt = new DateTimeOffset(2026, 12, 7, 13, 0, 0, TimeSpan.FromHours(1)) },
        new ContentIngestChunk { Namespace = "ns", Ref = "r", Offset = 7, Data = [0, 1, 2, 255] },
        new ErrorReply { Kind = ErrorKind.FailedPrecondition, Message = "m" },
        new GarbageCollectionResult { Removed = [], Duration = TimeSpan.FromMilliseconds(1234.5) },
        new TaskResult
        {
            Task = new TaskInfo { Namespace = "ns", ContainerId = "c", Pid = 4, Status = TaskState.Running, Runtime = "runc", CreatedAt = DateTimeOffset.UnixEpoch },
        },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_message_is_written_as_MassTransit_writes_it(object message)
    {
        var body = (ReadOnlyMemory<byte>)typeof(Envelope).GetMethod(nameof(Envelope.Write))!.MakeGenericMethod(message.GetType())
            .Invoke(null, [message, Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow])!;
        var envelope = JsonNode.Parse(body.Span)!;

        Assert.Equal(JsonSerializer.SerializeToNode(message, message.GetType(), MassTransitJson)!.ToJsonString(), envelope["message"]!.ToJsonString());
        Assert.Equal(MessageUrn.ForTypeString(message.GetType()), envelope["messageType"]![0]!.GetValue<string>());
    }

    [Fact]
    public void A_reply_is_its_result_or_its_error_kind_by_name_or_number()
    {
        var result = new GetContainerResult
        {
            Container = new Container
            {
                Namespace = "ns", Id = "c", Runtime = new RuntimeInfo { Name = "runc" }, Spec = "{}", Labels = new Dictionary<string, string>(),
                Extensions = new Dictionary<string, string>(), Version = 3,
            },
        };

        Assert.Equal(3, Envelope.Read<GetContainerResult>(Reply("platform:containers:GetContainerResult", result), "get-container").Container.Version);
        Assert.Equal(ErrorKind.NotFound, Error(Reply("platform:ErrorReply", new { kind = "NotFound", message = "gone" })).Kind);
        Assert.Equal(ErrorKind.AlreadyExists, Error(Reply("platform:ErrorReply", new { kind = (int)ErrorKind.AlreadyExists, message = "twice" })).Kind);
        Assert.Equal(ErrorKind.Internal, Error(Reply("platform:ErrorReply", new { kind = "SomethingNew", message = "?" })).Kind);
    }

    [Fact]
    public void A_fault_is_Internal_worded_as_over_MassTransit()
    {
        var fault = Reply("MassTransit:Fault", new { exceptions = new[] { new { exceptionType = "System.InvalidOperationException", message = "it broke" } } });

        var error = Error(fault);

        Assert.Equal(ErrorKind.Internal, error.Kind);
        Assert.Equal("get-container failed unexpectedly: System.InvalidOperationException: it broke (the message was moved to the get-container_error queue)",
            error.Message);
    }

    private static PlatformException Error(byte[] reply) =>
        Assert.Throws<PlatformException>(() => Envelope.Read<GetContainerResult>(reply, "get-container"));

    private static byte[] Reply(string urn, object message) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["messageType"] = new JsonArray("urn:message:" + urn),
            ["message"] = JsonSerializer.SerializeToNode(message, message.GetType(), MassTransitJson),
        }.ToJsonString());

    /// <summary>MassTransit's serializer options as every Platform bus configures them (see WireJson).</summary>
    private static JsonSerializerOptions MassTransitOptions()
    {
        var options = new JsonSerializerOptions(SystemTextJsonMessageSerializer.Options);
        if (!options.Converters.Any(c => c is JsonStringEnumConverter))
            options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
