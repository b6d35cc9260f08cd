namespace Platform.Hosting.Security;

/// <summary>Configuration section <c>Security</c>: who administers Platform and how long grants are cached.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Broker users that are administrators whatever the store says: how the first administrator exists before anyone
    /// could record one (<c>./build.sh up</c> sets it). Env <c>Security__Admins__0</c>, …. Default none.
    /// </summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>How long a service trusts a user's grants before reading them again. Default 5 s.</summary>
    public TimeSpan GrantCacheTtl { get; set; } = TimeSpan.FromSeconds(5);
}
