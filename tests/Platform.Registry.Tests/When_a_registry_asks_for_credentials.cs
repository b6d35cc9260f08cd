using System.Net;
using System.Text;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Registry.Tests.Support;
using Xunit;

namespace Platform.Registry.Tests;

/// <summary>Basic and Bearer (token) authentication against a fake registry and token service on 127.0.0.1.</summary>
public sealed class When_a_registry_asks_for_credentials
{
    private static readonly TestImage Image = TestImage.Create("auth");
    private static readonly RegistryCredentials Alice = new("alice", "s3cret:with:colons");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string BasicOf(RegistryCredentials c) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Username}:{c.Password}"));

    private static FakeRegistry BasicRegistry() => new(c => c.Request.Headers["Authorization"] == BasicOf(Alice)
        ? FakeRegistry.RespondAsync(c, 200, Image.Manifest, MediaTypes.OciManifest)
        : FakeRegistry.RespondJsonAsync(c, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""",
            ("WWW-Authenticate", "Basic realm=\"fake\"")));

    [Fact]
    public async Task Should_answer_a_Basic_challenge_and_send_Basic_from_then_on()
    {
        using var fake = BasicRegistry();
        using var client = fake.Client(new RegistryClientOptions { Credentials = Alice });

        await client.ResolveAsync("team/app", "v1", Ct);
        var second = await client.ResolveAsync("team/app", "v1", Ct);

        Assert.Equal(Image.ManifestDescriptor, second.Descriptor);
        Assert.Equal([null, BasicOf(Alice), BasicOf(Alice)], fake.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task Should_be_Unauthorized_naming_the_registry_when_Basic_credentials_are_wrong()
    {
        using var fake = BasicRegistry();
        using var client = fake.Client(new RegistryClientOptions { Credentials = Alice with { Password = "wrong" } });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("team/app", "v1", Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains(fake.Host, e.Message);
        Assert.Contains("team/app", e.Message);
        Assert.Contains("authentication required", e.Message);
    }

    [Fact]
    public async Task Should_be_Unauthorized_when_Basic_is_asked_and_no_credentials_are_configured()
    {
        using var fake = BasicRegistry();
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("team/app", "v1", Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Should_take_credentials_from_a_docker_config_file()
    {
        using var fake = BasicRegistry();
        var path = Path.Combine(Path.GetTempPath(), $"docker-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""{"auths":{"http://{{fake.Host}}":{"auth":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret:with:colons"))}}"} } }""");
        try
        {
            using var client = fake.Client(new RegistryClientOptions { CredentialSource = DockerConfigCredentials.Load(path) });

            Assert.Equal(Image.ManifestDescriptor, (await client.ResolveAsync("team/app", "v1", Ct)).Descriptor);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Should_get_a_token_with_Basic_credentials_and_reuse_it_for_the_scope()
    {
        using var bearer = new BearerRegistry(Alice, tokenField: "token");
        using var client = bearer.Registry.Client(new RegistryClientOptions { Credentials = Alice });

        await client.ResolveAsync("team/app", "v1", Ct);
        var second = await client.ResolveAsync("team/app", "v1", Ct);

        Assert.Equal(Image.ManifestDescriptor, second.Descriptor);
        Assert.Equal(1, bearer.TokensIssued);
        Assert.Equal(1, bearer.Challenges);
        var tokenRequest = Assert.Single(bearer.Registry.Requests, r => r.Path.StartsWith("/token", StringComparison.Ordinal));
        Assert.Contains("service=fake-registry", tokenRequest.Path);
        Assert.Contains("scope=" + Uri.EscapeDataString("repository:team/app:pull"), tokenRequest.Path);
    }

    [Fact]
    public async Task Should_accept_access_token_and_anonymous_tokens()
    {
        using var bearer = new BearerRegistry(expected: null, tokenField: "access_token");
        using var client = bearer.Registry.Client();

        var manifest = await client.ResolveAsync("team/app", "v1", Ct);

        Assert.Equal(Image.ManifestDescriptor, manifest.Descriptor);
        Assert.Equal(1, bearer.TokensIssued);
    }

    [Fact]
    public async Task Should_be_Unauthorized_naming_the_registry_when_the_token_service_refuses()
    {
        using var bearer = new BearerRegistry(Alice, tokenField: "token");
        using var client = bearer.Registry.Client(new RegistryClientOptions { Credentials = Alice with { Password = "wrong" } });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("team/app", "v1", Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains(bearer.Registry.Host, e.Message);
        Assert.Contains("team/app", e.Message);
        Assert.Contains("alice", e.Message);
    }

    [Fact]
    public async Task Should_be_Unauthorized_when_the_token_does_not_grant_the_repository()
    {
        using var bearer = new BearerRegistry(Alice, tokenField: "token", forbidden: "team/secret");
        using var client = bearer.Registry.Client(new RegistryClientOptions { Credentials = Alice });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("team/secret", "v1", Ct));

        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains("team/secret", e.Message);
        Assert.Equal(403, e.StatusCode);
    }

    [Fact]
    public async Task Should_get_a_new_token_once_the_old_one_expires()
    {
        var clock = new ManualClock();
        using var bearer = new BearerRegistry(Alice, tokenField: "token", expiresIn: 300);
        using var client = bearer.Registry.Client(new RegistryClientOptions { Credentials = Alice, TimeProvider = clock });

        await client.ResolveAsync("team/app", "v1", Ct);
        clock.Advance(TimeSpan.FromSeconds(200));
        await client.ResolveAsync("team/app", "v1", Ct);
        Assert.Equal(1, bearer.TokensIssued);
        clock.Advance(TimeSpan.FromSeconds(200));
        await client.ResolveAsync("team/app", "v1", Ct);

        Assert.Equal(2, bearer.TokensIssued);
    }

    [Fact]
    public async Task Should_ask_for_a_push_token_for_uploads()
    {
        using var bearer = new BearerRegistry(Alice, tokenField: "token");
        using var client = bearer.Registry.Client(new RegistryClientOptions { Credentials = Alice });

        await client.ResolveAsync("team/app", "v1", Ct);
        await client.PushManifestAsync("team/app", "v2", MediaTypes.OciManifest, Image.Manifest, Ct);

        Assert.Equal(2, bearer.TokensIssued);
        Assert.Contains(bearer.Registry.Requests, r => r.Path.Contains("scope=" + Uri.EscapeDataString("repository:team/app:pull,push")));
    }

    [Fact]
    public async Task Should_share_one_token_request_between_concurrent_requests()
    {
        using var bearer = new BearerRegistry(Alice, tokenField: "token", tokenDelay: TimeSpan.FromMilliseconds(200));
        using var client = bearer.Registry.Client(new RegistryClientOptions { Credentials = Alice });

        var all = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.ResolveAsync("team/app", "v1", Ct)));

        Assert.All(all, m => Assert.Equal(Image.ManifestDescriptor, m.Descriptor));
        Assert.Equal(1, bearer.TokensIssued);
    }

    /// <summary>
    /// A registry that answers 401 with a Bearer challenge unless it sees a token it issued, and its token service
    /// at /token that issues one for the expected Basic credentials (or anyone, when none are expected).
    /// </summary>
    private sealed class BearerRegistry : IDisposable
    {
        private readonly HashSet<string> _issued = [];
        private int _tokens;
        private int _challenges;

        public BearerRegistry(RegistryCredentials? expected, string tokenField, int expiresIn = 300, string? forbidden = null, TimeSpan tokenDelay = default)
        {
            Registry = new FakeRegistry(async c =>
            {
                var path = c.Request.Url!.AbsolutePath;
                var authorization = c.Request.Headers["Authorization"];
                if (path == "/token")
                {
                    await Task.Delay(tokenDelay);
                    if (expected is not null && authorization != BasicOf(expected))
                    {
                        await FakeRegistry.RespondJsonAsync(c, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}""");
                        return;
                    }
                    var token = $"tok-{Interlocked.Increment(ref _tokens)}";
                    lock (_issued)
                        _issued.Add(token);
                    await FakeRegistry.RespondJsonAsync(c, 200, $$"""{"{{tokenField}}":"{{token}}","expires_in":{{expiresIn}}}""");
                    return;
                }
                var repository = path.Split("/manifests/")[0]["/v2/".Length..];
                bool valid;
                lock (_issued)
                    valid = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _issued.Contains(authorization["Bearer ".Length..]);
                if (!valid)
                {
                    Interlocked.Increment(ref _challenges);
                    var action = c.Request.HttpMethod == "PUT" ? "pull,push" : "pull";
                    await FakeRegistry.RespondJsonAsync(c, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""",
                        ("WWW-Authenticate", $"Bearer realm=\"http://{Registry!.Host}/token\",service=\"fake-registry\",scope=\"repository:{repository}:{action}\""));
                }
                else if (repository == forbidden)
                    await FakeRegistry.RespondJsonAsync(c, 403, """{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}""");
                else if (c.Request.HttpMethod == "PUT")
                    await FakeRegistry.RespondAsync(c, 201, null, null, ("Docker-Content-Digest", Image.ManifestDescriptor.Digest));
                else
                    await FakeRegistry.RespondAsync(c, 200, Image.Manifest, MediaTypes.OciManifest);
            });
        }

        public FakeRegistry Registry { get; }
        public int TokensIssued => Volatile.Read(ref _tokens);
        public int Challenges => Volatile.Read(ref _challenges);

        public void Dispose() => Registry.Dispose();
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
