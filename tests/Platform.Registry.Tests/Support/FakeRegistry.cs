using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Platform.Client.Registry;

namespace Platform.Registry.Tests.Support;

/// <summary>
/// An HTTP server on 127.0.0.1 that answers as a test tells it to: for the misbehaviour a real registry
/// won't show (a tampered blob, an auth challenge, a slow answer). Records every request it saw.
/// </summary>
internal sealed class FakeRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;

    public FakeRegistry(Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        Port = Loopback.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Method, path and query, and Authorization header of each request, in arrival order.</summary>
    public ConcurrentQueue<(string Method, string Path, string? Authorization)> Requests { get; } = new();

    public RegistryClient Client(RegistryClientOptions? options = null)
    {
        options ??= new RegistryClientOptions();
        options.PlainHttp = true;
        return new RegistryClient(Host, options);
    }

    public static async Task RespondAsync(HttpListenerContext context, int status, byte[]? body = null, string? contentType = null,
        params (string Name, string Value)[] headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
            response.AddHeader(name, value);
        if (contentType is not null)
            response.ContentType = contentType;
        body ??= [];
        response.ContentLength64 = body.Length;
        if (context.Request.HttpMethod != "HEAD" && body.Length > 0)
            await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    public static Task RespondJsonAsync(HttpListenerContext context, int status, string json, params (string Name, string Value)[] headers) =>
        RespondAsync(context, status, Encoding.UTF8.GetBytes(json), "application/json", headers);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"]));
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handle(context);
                }
                catch (Exception)
                {
                    // The client went away (a test's timeout, say): nothing to answer.
                    context.Response.Abort();
                }
            });
        }
    }

    public void Dispose()
    {
        try
        {
            // Close stops the listener too; on Linux it was seen to throw "Address already in use" while unbinding a
            // prefix after Stop had, which is no failure of the test that used it.
            _listener.Close();
        }
        catch (HttpListenerException)
        {
        }
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
