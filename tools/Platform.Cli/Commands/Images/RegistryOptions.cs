using System.CommandLine;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Common.Errors;

namespace Platform.Cli.Commands.Images;

/// <summary>The options pull and push share to reach a registry, and how they become credentials.</summary>
internal sealed class RegistryOptions
{
    public Option<bool> PlainHttp { get; } = new("--plain-http")
    {
        Description = "Talk to the registry over plain HTTP instead of HTTPS (a registry on the loopback address or a trusted network)",
    };

    public Option<string> User { get; } = new("--user", "-u")
    {
        Description = "Registry credentials; without :PASS the password is read from stdin [default: from ~/.docker/config.json]",
        HelpName = "USER[:PASS]",
    };

    public IEnumerable<Option> All => [PlainHttp, User];

    /// <summary>The credentials of --user (reading the password from stdin when it has none), or null for docker's config.</summary>
    public async Task<RegistryCredentials?> CredentialsAsync(Invocation run)
    {
        if (run.Get(User) is not { } user)
            return null;
        var colon = user.IndexOf(':');
        if (colon == 0 || user.Length == 0)
            throw PlatformException.InvalidArgument("--user must be USER or USER:PASSWORD with a non-empty user");
        if (colon > 0)
            return new RegistryCredentials(user[..colon], user[(colon + 1)..]);
        if (ReferenceEquals(run.In, Console.In) && !Console.IsInputRedirected)
            await run.Err.WriteAsync($"Password for {user}: ");
        var password = await run.In.ReadLineAsync(run.CancellationToken)
            ?? throw PlatformException.InvalidArgument($"--user {user} has no password and stdin gave none (use --user {user}:PASSWORD or pipe it in)");
        return new RegistryCredentials(user, password);
    }

    public static ImagePlatform? ParsePlatform(string? text) => text is null ? null : ImagePlatform.Parse(text);
}
