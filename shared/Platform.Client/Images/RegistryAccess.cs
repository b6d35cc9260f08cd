using System.Net;
using System.Security.Authentication;
using Platform.Client.Registry;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>How pull and push reach a registry: the transport, and whose credentials.</summary>
public abstract record RegistryAccessOptions
{
    /// <summary>
    /// Optional, default false. Speak plain HTTP instead of HTTPS: only for a registry on a trusted network (a loopback
    /// registry in tests). Never chosen on the caller's behalf.
    /// </summary>
    public bool PlainHttp { get; init; }

    /// <summary>Optional. Credentials for the registry; when set, <see cref="CredentialSource"/> is not consulted.</summary>
    public RegistryCredentials? Credentials { get; init; }

    /// <summary>
    /// Optional. Where credentials are looked up by registry host when <see cref="Credentials"/> is not set; when null,
    /// docker's config (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>) if there is one, else none.
    /// </summary>
    public IRegistryCredentialSource? CredentialSource { get; init; }

    /// <summary>
    /// Optional. How long one registry request of this client may wait for its answer's headers. Default 30 s. Push only: a
    /// pull's requests are made by the resource GC service, bounded by its <c>ResourceGc:Pull:RequestTimeout</c>.
    /// </summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>Optional. The namespace; the client's when null.</summary>
    public string? Namespace { get; init; }
}

/// <summary>Opens registry clients for pull and push, and turns registry failures into the platform's error kinds.</summary>
public static class RegistryAccess
{
    public static RegistryClient Open(string host, RegistryAccessOptions options)
    {
        var registryOptions = new RegistryClientOptions
        {
            PlainHttp = options.PlainHttp,
            Credentials = options.Credentials,
            CredentialSource = options.Credentials is null ? options.CredentialSource ?? DockerConfig() : null,
        };
        if (options.RequestTimeout is { } timeout)
            registryOptions.Timeout = timeout;
        return new RegistryClient(host, registryOptions);
    }

    /// <summary>
    /// The credentials a request to <paramref name="host"/> should carry, looked up here, on the client: the options' own, else
    /// the credential source's (docker's config by default), else none. A server-side pull sends them in its command.
    /// </summary>
    public static RegistryCredentials? CredentialsFor(string host, RegistryAccessOptions options) =>
        options.Credentials ?? (options.CredentialSource ?? DockerConfig()).Find(host);

    /// <summary>
    /// The platform's kind for a registry failure, keeping the registry's message (which names the registry and what was
    /// asked): Unauthorized → PermissionDenied, NotFound → NotFound, 429 → ResourceExhausted, Unavailable → Unavailable,
    /// a wrong answer or a refused request → InvalidArgument.
    /// </summary>
    public static PlatformException ToPlatform(RegistryException e, string host, bool plainHttp) => e.Kind switch
    {
        RegistryErrorKind.Unauthorized => PlatformException.PermissionDenied(e.Message, e),
        RegistryErrorKind.NotFound => PlatformException.NotFound(e.Message),
        RegistryErrorKind.Unavailable when e.StatusCode == (int)HttpStatusCode.TooManyRequests => PlatformException.ResourceExhausted(e.Message, e),
        RegistryErrorKind.Unavailable when !plainHttp && IsLoopback(host) && IsTlsFailure(e) => PlatformException.Unavailable(
            $"{e.Message} A registry on the loopback address usually speaks plain HTTP: pass --plain-http (PlainHttp) to use http://{host}/.", e),
        RegistryErrorKind.Unavailable => PlatformException.Unavailable(e.Message, e),
        _ => PlatformException.InvalidArgument(e.Message),
    };

    private static bool IsLoopback(string host)
    {
        var name = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return name == "localhost" || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    private static bool IsTlsFailure(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException or HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
                return true;
        }
        return false;
    }

    private static DockerConfigCredentials DockerConfig()
    {
        try
        {
            return DockerConfigCredentials.LoadDefault();
        }
        catch (InvalidDataException e)
        {
            throw PlatformException.InvalidArgument($"docker config with registry credentials is not valid: {e.Message}");
        }
        catch (IOException e)
        {
            throw PlatformException.InvalidArgument($"docker config with registry credentials can't be read: {e.Message}");
        }
    }
}
