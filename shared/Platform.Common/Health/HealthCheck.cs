using System.Text;
using System.Text.Json;
using Platform.Common.Errors;

namespace Platform.Common.Health;

/// <summary>
/// A container's health check as it is kept on the container, in the label <see cref="Label"/> as compact JSON
/// (<c>{"test":["CMD-SHELL","curl -f localhost"],"interval":"30s","timeout":"30s","startPeriod":"0s","startInterval":"5s","retries":3,"onFailure":"none"}</c>;
/// durations in Go's syntax, missing members take docker's defaults). Resolved from flags and the image
/// (<see cref="Resolve"/>) by the CLI, checked by the metadata service on create and update, read by the task runner.
/// </summary>
public sealed record HealthCheck
{
    /// <summary>The container label that holds the check.</summary>
    public const string Label = "platform.io/health.check";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultStartInterval = TimeSpan.FromSeconds(5);
    public const int DefaultRetries = 3;

    /// <summary>docker's floor for every duration but the start period.</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(1);

    /// <summary>What <see cref="OnFailure"/> may say (podman's <c>--health-on-failure</c>, without <c>stop</c>).</summary>
    public static readonly IReadOnlyList<string> OnFailureActions = ["none", "kill", "restart"];

    /// <summary><c>["CMD", arg...]</c> (run as is) or <c>["CMD-SHELL", command]</c> (run by <c>/bin/sh -c</c>).</summary>
    public required IReadOnlyList<string> Test { get; init; }

    /// <summary>Time between probes once the start period is over or the task was healthy once.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>A probe running longer is killed and counts as a failure.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>From the task's start: failures don't count until it ends; a success ends it.</summary>
    public TimeSpan StartPeriod { get; init; } = TimeSpan.Zero;

    /// <summary>Time between probes during the start period.</summary>
    public TimeSpan StartInterval { get; init; } = DefaultStartInterval;

    /// <summary>Consecutive failures that make the task unhealthy.</summary>
    public int Retries { get; init; } = DefaultRetries;

    /// <summary>none, kill (SIGKILL the task when it turns unhealthy) or restart (the same kill; a restart policy brings it back).</summary>
    public string OnFailure { get; init; } = "none";

    /// <summary>The probe's process arguments.</summary>
    public IReadOnlyList<string> ProcessArgs => Test[0] == "CMD-SHELL" ? ["/bin/sh", "-c", Test[1]] : Test.Skip(1).ToList();

    /// <summary>
    /// docker's merge: each member of <paramref name="user"/> that is set wins over the image's, unset members take
    /// defaults; null when <paramref name="disabled"/> (<c>--no-healthcheck</c>), when neither gives a test, or when the
    /// test is <c>NONE</c>. InvalidArgument when the result breaks a rule (see <see cref="Validate"/>).
    /// </summary>
    public static HealthCheck? Resolve(HealthConfig? user, HealthConfig? image, bool disabled, string? onFailure)
    {
        if (disabled)
            return null;
        var test = user?.Test is { Count: > 0 } t ? t : image?.Test;
        if (test is not { Count: > 0 } || test[0] == "NONE")
            return null;
        static TimeSpan? Set(TimeSpan? value) => value is { } v && v != TimeSpan.Zero ? v : null;
        static int? SetCount(int? value) => value is { } v && v != 0 ? v : null;
        var check = new HealthCheck
        {
            Test = test,
            Interval = Set(user?.Interval) ?? Set(image?.Interval) ?? DefaultInterval,
            Timeout = Set(user?.Timeout) ?? Set(image?.Timeout) ?? DefaultTimeout,
            StartPeriod = Set(user?.StartPeriod) ?? Set(image?.StartPeriod) ?? TimeSpan.Zero,
            StartInterval = Set(user?.StartInterval) ?? Set(image?.StartInterval) ?? DefaultStartInterval,
            Retries = SetCount(user?.Retries) ?? SetCount(image?.Retries) ?? DefaultRetries,
            OnFailure = string.IsNullOrEmpty(onFailure) ? "none" : onFailure,
        };
        check.Validate("health check");
        return check;
    }

    /// <summary>The check in <paramref name="labels"/>, or null when the label is absent; InvalidArgument naming the label when malformed.</summary>
    public static HealthCheck? FromLabels(IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Label, out var json) && !string.IsNullOrEmpty(json) ? Parse(json) : null;

    /// <summary>Reads the label's JSON; InvalidArgument naming the label and the rule broken.</summary>
    public static HealthCheck Parse(string json)
    {
        const string field = "label " + Label;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"{field}: not JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw PlatformException.InvalidArgument($"{field}: must be a JSON object with a \"test\" array");
            if (!root.TryGetProperty("test", out var testElement) || testElement.ValueKind != JsonValueKind.Array
                || testElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw PlatformException.InvalidArgument($"{field}: \"test\" is required, an array of strings such as [\"CMD-SHELL\", \"command\"]");
            var check = new HealthCheck
            {
                Test = testElement.EnumerateArray().Select(e => e.GetString()!).ToList(),
                Interval = Duration(root, "interval", field) ?? DefaultInterval,
                Timeout = Duration(root, "timeout", field) ?? DefaultTimeout,
                StartPeriod = Duration(root, "startPeriod", field) ?? TimeSpan.Zero,
                StartInterval = Duration(root, "startInterval", field) ?? DefaultStartInterval,
                Retries = root.TryGetProperty("retries", out var retries)
                    ? retries.ValueKind == JsonValueKind.Number && retries.TryGetInt32(out var n) ? n : throw PlatformException.InvalidArgument($"{field}: \"retries\" must be an integer")
                    : DefaultRetries,
                OnFailure = root.TryGetProperty("onFailure", out var action)
                    ? action.ValueKind == JsonValueKind.String ? action.GetString()! : throw PlatformException.InvalidArgument($"{field}: \"onFailure\" must be a string")
                    : "none",
            };
            check.Validate(field);
            return check;
        }
    }

    /// <summary>docker's rules; InvalidArgument naming <paramref name="field"/> and the rule.</summary>
    public void Validate(string field)
    {
        switch (Test.Count > 0 ? Test[0] : "")
        {
            case "CMD" when Test.Count >= 2 && !string.IsNullOrEmpty(Test[1]):
            case "CMD-SHELL" when Test.Count == 2 && !string.IsNullOrWhiteSpace(Test[1]):
                break;
            default:
                throw PlatformException.InvalidArgument(
                    $"{field}: test must be [\"CMD\", program, arg...] or [\"CMD-SHELL\", command] with a non-empty command");
        }
        foreach (var (name, value) in new[] { ("interval", Interval), ("timeout", Timeout), ("startInterval", StartInterval) })
            if (value < MinimumDuration)
                throw PlatformException.InvalidArgument($"{field}: {name} must be at least 1ms (got {GoDuration.Format(value)})");
        if (StartPeriod < TimeSpan.Zero)
            throw PlatformException.InvalidArgument($"{field}: startPeriod cannot be negative");
        if (Retries < 1)
            throw PlatformException.InvalidArgument($"{field}: retries must be at least 1 (got {Retries})");
        if (!OnFailureActions.Contains(OnFailure))
            throw PlatformException.InvalidArgument($"{field}: onFailure must be one of {string.Join(", ", OnFailureActions)} (got \"{OnFailure}\")");
    }

    /// <summary>The label's value.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("test");
            foreach (var part in Test)
                writer.WriteStringValue(part);
            writer.WriteEndArray();
            writer.WriteString("interval", GoDuration.Format(Interval));
            writer.WriteString("timeout", GoDuration.Format(Timeout));
            writer.WriteString("startPeriod", GoDuration.Format(StartPeriod));
            writer.WriteString("startInterval", GoDuration.Format(StartInterval));
            writer.WriteNumber("retries", Retries);
            writer.WriteString("onFailure", OnFailure);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static TimeSpan? Duration(JsonElement root, string name, string field)
    {
        if (!root.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw PlatformException.InvalidArgument($"{field}: \"{name}\" must be a duration string such as \"30s\"");
        return GoDuration.Parse(value.GetString(), $"{field}: {name}");
    }
}
