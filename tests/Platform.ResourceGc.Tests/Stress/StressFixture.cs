using Platform.Testing;

namespace Platform.ResourceGc.Tests.Stress;

/// <summary>
/// A host whose periodic pass runs every second, so passes keep overlapping the clients' writes. The grace
/// (how old a reference or folder must be before a pass may treat it as a crash's leftover) is short but
/// above what a create takes here under load, so a pass never drops the reference of a create in flight.
/// </summary>
public sealed class StressFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ResourceGc:PassInterval"] = "00:00:01",
        ["ResourceGc:Grace"] = "00:00:02",
    };
}
