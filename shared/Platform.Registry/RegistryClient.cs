using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Platform.Client.Images;

namespace Platform.Client.Registry;

/// <summary>
/// A client of one OCI distribution registry (the HTTP API under <c>/v2/</c>): resolve and fetch manifests,
/// read blobs verified as they stream, push blobs and manifests. Safe to share between concurrent tasks.
/// Every failure is a <see cref="RegistryException"/> whose <see cref="RegistryException.Kind"/> a caller maps.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryClientOptions _options;
    private readonly RegistryAuth _auth;

    /// <param name="host">The registry as the user names it: <c>127.0.0.1:5000</c>, <c>ghcr.io</c>, <c>docker.io</c>.</param>
    /// <param name="handler">The HTTP handler to use (the caller keeps and disposes it); by default one of this client's own.</param>
    public RegistryClient(string host, RegistryClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (host.Contains('/'))
            throw new ArgumentException($"'{host}' is not a registry host (no scheme or path: '127.0.0.1:5000', 'docker.io').", nameof(host));
        _options = options ?? new RegistryClientOptions();
        _options.Validate();
        Host = host;
        var endpoint = host is "docker.io" or "index.docker.io" ? "registry-1.docker.io" : host;
        BaseUri = new Uri($"{(_options.PlainHttp ? "http" : "https")}://{endpoint}/");
        // Blobs are gzip by content, not by transfer: never decompress. Timeouts are ours (see Run).
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        _auth = new RegistryAuth(_http, host, _options.Credentials ?? _options.CredentialSource?.Find(host), _options);
    }

    /// <summary>The registry as given to the constructor; it names the registry in every error.</summary>
    public string Host { get; }

    /// <summary>Where requests go, e.g. <c>https://registry-1.docker.io/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// The manifest or index a tag or digest names, with its descriptor. The digest is computed from the bytes
    /// and must equal the registry's <c>Docker-Content-Digest</c> and, when <paramref name="reference"/> is a
    /// digest, the reference.
    /// </summary>
    public Task<Manifest> ResolveAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        repository = Repository(repository);
        References.CheckReference(reference);
        var what = References.IsDigest(reference) ? $"manifest {repository}@{reference}" : $"manifest {repository}:{reference}";
        return Run(bounded: true, cancellationToken, async ct =>
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, Url(repository, "manifests", reference));
                foreach (var type in MediaTypes.Manifests)
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                return request;
            }, repository, push: false, HttpCompletionOption.ResponseHeadersRead, ct);
            await EnsureSuccessAsync(response, repository, what, ct);
            var bytes = await ManifestBody.ReadAsync(response, Host, what, ct);
            var digest = Sha256(bytes);
            if (References.IsDigest(reference) && digest != reference)
                throw RegistryErrors.Invalid($"Registry {Host} sent {what} whose content has digest {digest}: the content was corrupted or tampered with.");
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var stated) && stated.FirstOrDefault() is { Length: > 0 } header && header != digest)
                throw RegistryErrors.Invalid($"Registry {Host} states digest {header} for {what}, but its content has digest {digest}.");
            var mediaType = ManifestBody.MediaType(response.Content.Headers.ContentType?.MediaType, bytes, Host, what);
            return new Manifest(new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length }, bytes);
        });
    }

    /// <summary>The manifest or index with <paramref name="digest"/>; see <see cref="ResolveAsync"/>.</summary>
    public Task<Manifest> FetchManifestAsync(string repository, string digest, CancellationToken cancellationToken = default)
    {
        References.CheckDigest(digest, nameof(digest));
        return ResolveAsync(repository, digest, cancellationToken);
    }

    /// <summary>Whether the registry has blob <paramref name="digest"/> in <paramref name="repository"/> (HEAD).</summary>
    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken = default)
    {
        repository = Repository(repository);
        References.CheckDigest(digest, nameof(digest));
        return Run(bounded: true, cancellationToken, async ct =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, Url(repository, "blobs", digest)),
                repository, push: false, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return false;
            await EnsureSuccessAsync(response, repository, $"blob {digest} of {repository}", ct);
            return true;
        });
    }

    /// <summary>
    /// The blob's content as a stream that checks its size and sha256 as it is read; the check at the end
    /// throws <see cref="RegistryErrorKind.InvalidResponse"/>, so read to the end before trusting any of it.
    /// Redirects (to a CDN, say) are followed. Dispose the stream.
    /// </summary>
    public Task<Stream> OpenBlobAsync(string repository, Descriptor descriptor, CancellationToken cancellationToken = default) =>
        OpenBlobAsync(repository, descriptor, 0, null, cancellationToken);

    /// <summary>
    /// The blob's content from byte <paramref name="offset"/> on, to resume a partial download (Range request;
    /// when the registry ignores Range, the first bytes are read and dropped). The size is always checked. The
    /// digest is checked when <paramref name="hashOfPrefix"/> is given: a SHA-256 state holding the first
    /// <paramref name="offset"/> bytes, which the stream extends and finalises (it is left reset). Without it,
    /// and with an offset, only the size is checked: the digest is for the caller to check (the content store on commit).
    /// </summary>
    public Task<Stream> OpenBlobAsync(string repository, Descriptor descriptor, long offset, IncrementalHash? hashOfPrefix,
        CancellationToken cancellationToken = default) =>
        OpenBlobAsync(repository, descriptor, offset, hashOfPrefix, hashHere: hashOfPrefix is null && offset == 0, cancellationToken);

    /// <summary>
    /// The blob's content from byte <paramref name="offset"/> on with only its size checked: for a caller that hashes what
    /// it reads anyway and checks the digest itself (the content store, as it writes an ingest), so the bytes are not
    /// hashed twice. Anyone else wants <see cref="OpenBlobAsync(string, Descriptor, CancellationToken)"/>.
    /// </summary>
    public Task<Stream> OpenBlobForDigestingCallerAsync(string repository, Descriptor descriptor, long offset, CancellationToken cancellationToken = default) =>
        OpenBlobAsync(repository, descriptor, offset, null, hashHere: false, cancellationToken);

    private Task<Stream> OpenBlobAsync(string repository, Descriptor descriptor, long offset, IncrementalHash? hashOfPrefix, bool hashHere,
        CancellationToken cancellationToken)
    {
        repository = Repository(repository);
        References.CheckDescriptor(descriptor);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, descriptor.Size);
        if (hashOfPrefix is not null && hashOfPrefix.AlgorithmName != HashAlgorithmName.SHA256)
            throw new ArgumentException("The hash must be SHA-256.", nameof(hashOfPrefix));
        var ownsHash = hashHere;
        var hash = ownsHash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : hashOfPrefix;
        var what = $"blob {descriptor.Digest} of {repository}";
        if (offset == descriptor.Size)
            return Task.FromResult<Stream>(new VerifyingStream(Stream.Null, Stream.Null, descriptor, offset, hash, ownsHash, what));
        return Run(bounded: true, cancellationToken, async ct =>
        {
            var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, Url(repository, "blobs", descriptor.Digest));
                if (offset > 0)
                    request.Headers.Range = new RangeHeaderValue(offset, null);
                return request;
            }, repository, push: false, HttpCompletionOption.ResponseHeadersRead, ct);
            try
            {
                await EnsureSuccessAsync(response, repository, what, ct);
                var body = await response.Content.ReadAsStreamAsync(ct);
                if (response.StatusCode == HttpStatusCode.PartialContent)
                {
                    if (response.Content.Headers.ContentRange?.From != offset)
                        throw RegistryErrors.Invalid($"Registry {Host} answered a request for {what} from byte {offset} with range '{response.Content.Headers.ContentRange}'.");
                }
                else
                {
                    if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
                        throw RegistryErrors.Invalid($"Registry {Host} sent {length} bytes for {what}, whose descriptor states {descriptor.Size}.");
                    await SkipAsync(body, offset, what, ct);
                }
                return (Stream)new VerifyingStream(body, response, descriptor, offset, hash, ownsHash, what);
            }
            catch
            {
                response.Dispose();
                if (ownsHash)
                    hash?.Dispose();
                throw;
            }
        });
    }

    /// <summary>
    /// Uploads a blob unless the registry has it already (HEAD first): false when it was already there.
    /// <paramref name="open"/> gives the content from its start; it may be called again when a request has to be
    /// repeated (after an authentication challenge). The registry checks the digest.
    /// </summary>
    public async Task<bool> PushBlobAsync(string repository, Descriptor descriptor, Func<Stream> open, CancellationToken cancellationToken = default)
    {
        repository = Repository(repository);
        References.CheckDescriptor(descriptor);
        ArgumentNullException.ThrowIfNull(open);
        if (await BlobExistsAsync(repository, descriptor.Digest, cancellationToken))
            return false;
        var what = $"blob {descriptor.Digest} of {repository}";
        var location = await Run(bounded: true, cancellationToken, async ct =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url(repository, "blobs", "uploads/")),
                repository, push: true, HttpCompletionOption.ResponseContentRead, ct);
            await EnsureSuccessAsync(response, repository, $"an upload of {what}", ct);
            return UploadLocation(response, what);
        });
        var chunked = _options.UploadChunkSize > 0 && descriptor.Size > _options.UploadChunkSize;
        if (chunked)
            location = await UploadChunksAsync(repository, descriptor, location, open, what, cancellationToken);
        // A one-piece upload may take as long as the content takes to send; only the caller's token bounds it.
        await Run(bounded: chunked, cancellationToken, async ct =>
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, WithQuery(location, "digest=" + Uri.EscapeDataString(descriptor.Digest)));
                request.Content = chunked ? new ByteArrayContent([]) : new StreamContent(open());
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Content.Headers.ContentLength = chunked ? 0 : descriptor.Size;
                return request;
            }, repository, push: true, HttpCompletionOption.ResponseContentRead, ct);
            await EnsureSuccessAsync(response, repository, what, ct);
            return true;
        });
        return true;
    }

    /// <summary>
    /// Puts a manifest or index under a tag, or under its digest when <paramref name="reference"/> is one (it must
    /// then be the digest of <paramref name="bytes"/>). The blobs it names must be pushed first. Returns its descriptor.
    /// </summary>
    public Task<Descriptor> PushManifestAsync(string repository, string reference, string mediaType, byte[] bytes, CancellationToken cancellationToken = default)
    {
        repository = Repository(repository);
        References.CheckReference(reference);
        ArgumentNullException.ThrowIfNull(bytes);
        if (!MediaTypes.IsManifestOrIndex(mediaType))
            throw new ArgumentException($"'{mediaType}' is not a manifest media type this client pushes.", nameof(mediaType));
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Sha256(bytes), Size = bytes.Length };
        if (References.IsDigest(reference) && reference != descriptor.Digest)
            throw new ArgumentException($"The manifest's digest is {descriptor.Digest}, not {reference}.", nameof(reference));
        var what = $"manifest {repository}{(References.IsDigest(reference) ? "@" : ":")}{reference}";
        return Run(bounded: true, cancellationToken, async ct =>
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, Url(repository, "manifests", reference)) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return request;
            }, repository, push: true, HttpCompletionOption.ResponseContentRead, ct);
            await EnsureSuccessAsync(response, repository, what, ct);
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var stated) && stated.FirstOrDefault() is { Length: > 0 } header && header != descriptor.Digest)
                throw RegistryErrors.Invalid($"Registry {Host} stored {what} as {header}, but its content has digest {descriptor.Digest}.");
            return descriptor;
        });
    }

    public void Dispose() => _http.Dispose();

    private async Task<Uri> UploadChunksAsync(string repository, Descriptor descriptor, Uri location, Func<Stream> open, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[_options.UploadChunkSize];
        await using var content = open();
        for (long sent = 0; sent < descriptor.Size;)
        {
            var count = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            if (count == 0)
                throw new InvalidOperationException($"The content of {what} ended after {sent} of {descriptor.Size} bytes.");
            var (start, target) = (sent, location);
            var chunk = buffer.AsMemory(0, count).ToArray();
            location = await Run(bounded: true, cancellationToken, async ct =>
            {
                using var response = await SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Patch, target) { Content = new ByteArrayContent(chunk) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    // The distribution spec's Content-Range for uploads is a bare inclusive "start-end".
                    request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + count - 1}");
                    return request;
                }, repository, push: true, HttpCompletionOption.ResponseContentRead, ct);
                await EnsureSuccessAsync(response, repository, $"a chunk of {what}", ct);
                return UploadLocation(response, what);
            });
            sent += count;
        }
        return location;
    }

    /// <summary>
    /// Sends a request, answering one authentication challenge: a 401 is retried once with a token or Basic
    /// credentials. <paramref name="build"/> makes a fresh request each time (a sent request can't be resent).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string repository, bool push, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        var scope = $"repository:{repository}:{(push ? "pull,push" : "pull")}";
        using (var first = build())
        {
            _auth.Apply(first, scope);
            var response = await _http.SendAsync(first, completion, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
                return response;
            bool retry;
            try
            {
                retry = await _auth.AnswerAsync(response, first.Headers.Authorization, scope, repository, cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
            if (!retry)
                return response;
            response.Dispose();
        }
        using var second = build();
        _auth.Apply(second, scope);
        return await _http.SendAsync(second, completion, cancellationToken);
    }

    /// <summary>Runs one step on the options' deadline (when bounded), turning transport failures into registry errors.</summary>
    private async Task<T> Run<T>(bool bounded, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> step)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (bounded)
            deadline.CancelAfter(_options.Timeout);
        try
        {
            return await step(deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw RegistryErrors.TimedOut(Host, _options.Timeout, e);
        }
        catch (HttpRequestException e)
        {
            throw RegistryErrors.Unreachable(Host, e);
        }
        catch (IOException e)
        {
            throw RegistryErrors.Unreachable(Host, e);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string repository, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, Host, repository, what, cancellationToken);
    }

    private static async Task SkipAsync(Stream body, long count, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (read == 0)
                throw RegistryErrors.Invalid($"The content of {what} ended before the offset to resume from.");
            count -= read;
        }
    }

    private Uri UploadLocation(HttpResponseMessage response, string what) =>
        response.Headers.Location is { } location
            ? new Uri(BaseUri, location)
            : throw RegistryErrors.Invalid($"Registry {Host} answered an upload of {what} without a Location.");

    private static Uri WithQuery(Uri uri, string parameter) =>
        new UriBuilder(uri) { Query = uri.Query.Length > 1 ? uri.Query[1..] + "&" + parameter : parameter }.Uri;

    private Uri Url(string repository, string kind, string reference) => new(BaseUri, $"v2/{repository}/{kind}/{reference}");

    // Docker Hub's official images live under library/.
    private string Repository(string repository)
    {
        References.CheckRepository(repository);
        return BaseUri.Host == "registry-1.docker.io" && !repository.Contains('/') ? "library/" + repository : repository;
    }

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
