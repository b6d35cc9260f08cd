namespace Platform.Client.Registry;

/// <summary>A username and password (or token) for one registry.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>Keeps the password out of logs.</summary>
    public override string ToString() => $"RegistryCredentials {{ Username = {Username} }}";
}

/// <summary>Finds the credentials for a registry host, as the user named it (<c>docker.io</c>, <c>127.0.0.1:5000</c>).</summary>
public interface IRegistryCredentialSource
{
    /// <summary>The credentials for <paramref name="host"/>, or null for anonymous access.</summary>
    RegistryCredentials? Find(string host);
}
