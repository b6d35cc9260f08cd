namespace Platform.Security.Tests.Transport;

/// <summary>
/// Certificates made by the test with openssl in a folder of its own: a CA, a broker certificate it signed for
/// 127.0.0.1 and localhost, a client certificate it signed (PEM and PKCS#12), and a second CA that signed nothing the
/// broker has, with a client certificate of its own. EC P-256 keys: quick to make and to use.
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string PfxPassword = "pfx-secret";

    private TestPki(string folder) => Folder = folder;

    public string Folder { get; }

    public string CaFile => Path.Combine(Folder, "ca.pem");

    public string ServerCertificate => Path.Combine(Folder, "server.pem");

    public string ServerKey => Path.Combine(Folder, "server.key");

    public string ClientCertificate => Path.Combine(Folder, "client.pem");

    public string ClientKey => Path.Combine(Folder, "client.key");

    public string ClientPfx => Path.Combine(Folder, "client.pfx");

    /// <summary>A CA that did not sign the broker's certificate.</summary>
    public string OtherCaFile => Path.Combine(Folder, "other-ca.pem");

    /// <summary>A client certificate the other CA signed, which the broker does not trust.</summary>
    public string OtherClientCertificate => Path.Combine(Folder, "other-client.pem");

    public string OtherClientKey => Path.Combine(Folder, "other-client.key");

    public static async Task<TestPki> CreateAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var pki = new TestPki(folder);
        await pki.AuthorityAsync("ca", "Platform test CA");
        await pki.AuthorityAsync("other-ca", "Platform test CA that signed nothing the broker has");
        await pki.IssueAsync("server", "ca", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
        await pki.IssueAsync("client", "ca", "platform-test-client", "extendedKeyUsage=clientAuth");
        await pki.IssueAsync("other-client", "other-ca", "platform-test-intruder", "extendedKeyUsage=clientAuth");
        await OpenSslAsync(folder, "pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-out", "client.pfx", "-passout", $"pass:{PfxPassword}");
        return pki;
    }

    private Task AuthorityAsync(string name, string commonName) =>
        OpenSslAsync(Folder, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", $"/CN={commonName}", "-keyout", $"{name}.key", "-out", $"{name}.pem",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private async Task IssueAsync(string name, string authority, string commonName, string extensions)
    {
        await File.WriteAllTextAsync(Path.Combine(Folder, $"{name}.ext"), $"basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n{extensions}\n");
        await OpenSslAsync(Folder, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", $"/CN={commonName}", "-keyout", $"{name}.key", "-out", $"{name}.csr");
        await OpenSslAsync(Folder, "x509", "-req", "-in", $"{name}.csr", "-CA", $"{authority}.pem", "-CAkey", $"{authority}.key",
            "-CAcreateserial", "-days", "2", "-extfile", $"{name}.ext", "-out", $"{name}.pem");
    }

    private static Task<string> OpenSslAsync(string folder, params string[] args) =>
        Tool.RunAsync("openssl", args, TimeSpan.FromSeconds(60), workingDirectory: folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
