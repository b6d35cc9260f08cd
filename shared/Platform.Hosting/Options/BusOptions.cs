using System.ComponentModel.DataAnnotations;

namespace Platform.Hosting.Options;

/// <summary>Configuration section <c>Bus</c>: how a service reaches RabbitMQ.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>Broker address with credentials. Default <c>amqp://guest:guest@127.0.0.1:5672/</c>; env <c>Bus__Uri</c>, <c>PLATFORM_BUS</c>, or a file named by <c>PLATFORM_BUS_FILE</c> (keeps the password out of process arguments).</summary>
    [Required]
    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>Prefix for every queue this service listens on. Default empty; tests use a unique one so hosts never share queues.</summary>
    public string EndpointPrefix { get; set; } = "";

    /// <summary>Messages fetched ahead per queue. Default 64.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>Messages handled at once per queue. Default 32.</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 32;
}
