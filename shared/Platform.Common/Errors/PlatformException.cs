using Platform.Contracts;

namespace Platform.Common.Errors;

/// <summary>
/// An expected failure with a kind from the closed set. Services turn it into an <see cref="ErrorReply"/>;
/// the client library turns an <see cref="ErrorReply"/> back into it, so every caller checks <see cref="Kind"/>.
/// </summary>
public sealed class PlatformException(ErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ErrorKind Kind { get; } = kind;

    public static PlatformException InvalidArgument(string message) => new(ErrorKind.InvalidArgument, message);
    public static PlatformException NotFound(string message) => new(ErrorKind.NotFound, message);
    public static PlatformException AlreadyExists(string message) => new(ErrorKind.AlreadyExists, message);
    public static PlatformException FailedPrecondition(string message) => new(ErrorKind.FailedPrecondition, message);
    public static PlatformException Unavailable(string message, Exception? inner = null) => new(ErrorKind.Unavailable, message, inner);
    public static PlatformException Internal(string message, Exception? inner = null) => new(ErrorKind.Internal, message, inner);
    public static PlatformException PermissionDenied(string message, Exception? inner = null) => new(ErrorKind.PermissionDenied, message, inner);
    public static PlatformException ResourceExhausted(string message, Exception? inner = null) => new(ErrorKind.ResourceExhausted, message, inner);

    public ErrorReply ToReply() => new() { Kind = Kind, Message = Message };

    public override string ToString() => $"{Kind}: {Message}";
}
