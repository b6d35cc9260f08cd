using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Contracts.Users;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Platform.Deployment.Tests;

/// <summary>
/// The identity step of <c>./build.sh up</c> (<c>./build.sh identities</c>, which <c>up</c> runs), for real on the
/// shared broker: in a vhost of the test's own, with users of its own, and a stand-in created in the role of
/// <c>guest</c>, so the real guest that other tests use stays (build.sh's PLATFORM_BROKER_VHOST, PLATFORM_*_USER,
/// PLATFORM_DEFAULT_USER and PLATFORM_RUN_DIR).
/// </summary>
public sealed class When_build_sh_sets_up_identities
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Guest_can_do_nothing_and_each_address_is_a_0600_file_that_works()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("build.sh and file modes are a Unix matter");
            return;
        }
        await using var step = await IdentityStep.CreateAsync();
        await step.ConnectAsync(step.GuestUri); // the control: the stand-in works until the step runs

        var result = await step.RunAsync();

        Assert.True(result.ExitCode == 0, $"build.sh identities: {result}");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => step.ConnectAsync(step.GuestUri));
        Assert.True(Causes(refused).Any(e => e is AuthenticationFailureException), $"the stand-in for guest should be refused at login, got {refused}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(step.RunDir));
        foreach (var (file, user) in new[] { ("services.bus", step.ServicesUser), ("admin.bus", step.AdminUser) })
        {
            var path = Path.Combine(step.RunDir, file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var uri = step.Read(file);
            Assert.Equal(user, BusIdentity.UserOf(uri));
            Assert.Equal("/" + step.VirtualHost, uri.AbsolutePath);
            await step.ConnectAsync(uri);
        }
        var users = await BrokerUsers.RabbitMqCtlAsync(null, "list_users", "--no-table-headers");
        Assert.Contains($"{step.AdminUser}\t[administrator]", users);
        Assert.Contains($"{step.ServicesUser}\t[]", users);
        Assert.DoesNotContain(step.GuestUser, users);
    }

    [Fact]
    public async Task Running_it_again_keeps_the_passwords_and_a_lost_or_stale_one_is_replaced()
    {
        await using var step = await IdentityStep.CreateAsync();
        Assert.Equal(0, (await step.RunAsync()).ExitCode);
        // Compared as text: Uri equality ignores the user info, where the password is.
        var services = step.Text("services.bus");
        var admin = step.Text("admin.bus");

        var again = await step.RunAsync();

        Assert.True(again.ExitCode == 0, $"build.sh identities, again: {again}");
        Assert.Equal(services, step.Text("services.bus"));
        Assert.Equal(admin, step.Text("admin.bus"));
        await step.ConnectAsync(step.Read("services.bus"));
        await step.ConnectAsync(step.Read("admin.bus"));

        // A lost file, and a password changed behind the step's back: both get a new password that works.
        File.Delete(Path.Combine(step.RunDir, "admin.bus"));
        await BrokerUsers.RabbitMqCtlAsync("changed-elsewhere\n", "change_password", step.ServicesUser);
        Assert.Equal(0, (await step.RunAsync()).ExitCode);
        Assert.NotEqual(admin, step.Text("admin.bus"));
        Assert.NotEqual(services, step.Text("services.bus"));
        await step.ConnectAsync(step.Read("admin.bus"));
        await step.ConnectAsync(step.Read("services.bus"));
        await Assert.ThrowsAnyAsync<Exception>(() => step.ConnectAsync(new Uri(admin)));
    }

    [Fact]
    public async Task Platformctl_without_PLATFORM_BUS_acts_as_the_admin_of_admin_bus()
    {
        await using var step = await IdentityStep.CreateAsync();
        Assert.Equal(0, (await step.RunAsync()).ExitCode);
        // platformd as ./build.sh up starts it: as the services' user of services.bus, the admin named in Security:Admins.
        var stack = new PlatformFixture();
        using var host = stack.BuildHost(new Dictionary<string, string?>
        {
            ["Bus:Uri"] = step.Read("services.bus").ToString(),
            ["Bus:EndpointPrefix"] = "",
            ["Security:Admins:0"] = step.AdminUser,
        });
        await host.StartAsync(Ct);
        try
        {
            var someone = "someone-" + Guid.NewGuid().ToString("N")[..8];
            await using (var services = await PlatformClient.ConnectAsync(new PlatformClientOptions { BusUri = step.Read("services.bus") }, Ct))
                await services.Users.CreateAsync(new CreateUser { Name = someone, Grants = [new UserGrant { Namespace = "team-a", Role = NamespaceRole.Read }] }, Ct);

            // User management needs an administrator: only the address in admin.bus is one.
            var listed = await Repo.RunAsync("bash", ["platformctl", "admin", "users", "ls"], TimeSpan.FromMinutes(5), Ct, new Dictionary<string, string?>
            {
                ["PLATFORM_BUS"] = null,
                ["PLATFORM_BUS_FILE"] = null,
                ["PLATFORM_RUN_DIR"] = step.RunDir,
            });

            Assert.True(listed.ExitCode == 0, $"platformctl admin users ls: {listed}");
            Assert.Contains(someone, listed.StdOut);
        }
        finally
        {
            await PlatformFixture.KillTasksAsync(host.Services);
            await host.StopAsync(CancellationToken.None);
            await stack.DisposeAsync();
        }
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
            yield return cause;
    }

    /// <summary>
    /// A vhost, a stand-in for guest (full rights there, as guest has on "/") and a run folder of one test, and the names
    /// the step is to give its users; all removed on dispose. Named <c>platform-test-PID-…</c>, which <c>./build.sh test</c>
    /// deletes once that process is gone, should a run die before disposing.
    /// </summary>
    private sealed class IdentityStep : IAsyncDisposable
    {
        private readonly string _guestPassword = Guid.NewGuid().ToString("N");

        private IdentityStep()
        {
            var id = $"platform-test-{Environment.ProcessId}-id{Guid.NewGuid():N}"[..(27 + Environment.ProcessId.ToString().Length)];
            VirtualHost = id;
            ServicesUser = id + "-services";
            AdminUser = id + "-admin";
            GuestUser = id + "-guest";
            RunDir = Path.Combine(Path.GetTempPath(), "platform-tests", id, "run");
        }

        public string VirtualHost { get; }

        public string ServicesUser { get; }

        public string AdminUser { get; }

        public string GuestUser { get; }

        /// <summary>Where the step writes services.bus and admin.bus (PLATFORM_RUN_DIR).</summary>
        public string RunDir { get; }

        public Uri GuestUri => new($"amqp://{GuestUser}:{_guestPassword}@127.0.0.1:5672/{VirtualHost}");

        public static async Task<IdentityStep> CreateAsync()
        {
            Requirements.RabbitMq();
            var step = new IdentityStep();
            await BrokerUsers.RabbitMqCtlAsync(null, "add_vhost", step.VirtualHost);
            await BrokerUsers.RabbitMqCtlAsync(step._guestPassword + "\n", "add_user", step.GuestUser);
            await BrokerUsers.RabbitMqCtlAsync(null, "set_permissions", "-p", step.VirtualHost, step.GuestUser, ".*", ".*", ".*");
            return step;
        }

        /// <summary><c>./build.sh identities</c> with this step's names.</summary>
        public Task<Repo.Result> RunAsync() =>
            Repo.RunAsync("bash", ["build.sh", "identities"], TimeSpan.FromMinutes(2), Ct, new Dictionary<string, string?>
            {
                ["PLATFORM_RUN_DIR"] = RunDir,
                ["PLATFORM_BROKER_VHOST"] = VirtualHost,
                ["PLATFORM_SERVICES_USER"] = ServicesUser,
                ["PLATFORM_ADMIN_USER"] = AdminUser,
                ["PLATFORM_DEFAULT_USER"] = GuestUser,
            });

        /// <summary>The address in <paramref name="file"/> of the run folder.</summary>
        public Uri Read(string file) => new(Text(file));

        /// <summary>The address in <paramref name="file"/>, as written.</summary>
        public string Text(string file) => File.ReadAllText(Path.Combine(RunDir, file)).Trim();

        /// <summary>Connects as the user of <paramref name="uri"/> and declares a queue on its vhost: it may act there.</summary>
        public async Task ConnectAsync(Uri uri)
        {
            await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync(Ct);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
            await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: Ct);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var user in new[] { ServicesUser, AdminUser, GuestUser })
            {
                try
                {
                    await BrokerUsers.RabbitMqCtlAsync(null, "delete_user", user);
                }
                catch (InvalidOperationException)
                {
                    // Already gone (the stand-in for guest, when the step ran).
                }
            }
            await BrokerUsers.RabbitMqCtlAsync(null, "delete_vhost", VirtualHost);
            if (Directory.Exists(Path.GetDirectoryName(RunDir)))
                Directory.Delete(Path.GetDirectoryName(RunDir)!, recursive: true);
        }
    }
}
