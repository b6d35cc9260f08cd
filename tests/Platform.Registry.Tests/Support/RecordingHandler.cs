using System.Collections.Concurrent;
using System.Net;

namespace Platform.Registry.Tests.Support;

/// <summary>Passes requests on and records what was asked and answered, to see the protocol a test can't see from outside.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<(HttpMethod Method, Uri Uri, string? Range, HttpStatusCode Status)> Exchanges { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Exchanges.Enqueue((request.Method, request.RequestUri!, request.Headers.Range?.ToString(), response.StatusCode));
        return response;
    }
}
