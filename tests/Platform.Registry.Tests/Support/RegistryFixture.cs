using Platform.Client.Registry;
using Platform.Testing.Registries;
using Xunit;

namespace Platform.Registry.Tests.Support;

/// <summary>
/// The real registry (<see cref="LocalRegistry"/>: Debian's docker-registry on a free 127.0.0.1 port), seeded by skopeo with
/// <see cref="Seeded"/> as <c>seeded/app:v1</c>. Tests call <see cref="Require"/> first.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public const string SeededRepository = "seeded/app";
    public const string SeededTag = "v1";

    private readonly string _layout = Path.Combine(Path.GetTempPath(), "platform-registry-layout-" + Guid.NewGuid().ToString("N"));
    private LocalRegistry? _registry;

    public string Host => _registry?.Host ?? "";

    internal TestImage Seeded { get; } = TestImage.Create("seeded");

    public void Require() => _registry!.Require();

    public RegistryClient Client(RegistryClientOptions? options = null)
    {
        options ??= new RegistryClientOptions();
        options.PlainHttp = true;
        return new RegistryClient(Host, options);
    }

    public async ValueTask InitializeAsync()
    {
        _registry = await LocalRegistry.StartAsync();
        if (_registry.MissingReason is not null)
            return;
        Seeded.WriteLayout(_layout, SeededTag);
        await _registry.SeedAsync(_layout, SeededTag, SeededRepository, SeededTag);
    }

    /// <summary>The manifest as skopeo reads it from the registry.</summary>
    public Task<byte[]> SkopeoRawAsync(string repository, string reference) => _registry!.SkopeoRawAsync(repository, reference);

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
            await _registry.DisposeAsync();
        if (Directory.Exists(_layout))
            Directory.Delete(_layout, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "real registry";
}
