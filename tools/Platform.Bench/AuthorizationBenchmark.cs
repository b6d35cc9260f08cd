using System.Diagnostics;
using System.Security.Cryptography;
using Platform.Client;
using Platform.Contracts.Containers;
using Platform.Contracts.Users;

namespace Platform.Bench;

/// <summary>
/// What authorisation costs a user: container creates against one platformd (its own vhost), alternating rounds as
/// the services' own broker user, for whom the filter stops at comparing the message's user_id, and as a user with a
/// read-write grant, for whom it resolves the grants (cached) and checks the namespace. Every consumer needs a caller
/// (the runtime policy reads it), so a bus without the filter doesn't exist to compare with: the services' user is
/// the nearest baseline. The user's grant is privileged, so both sides take the same path through the runtime policy
/// and the difference is the filter's. Prints both rates, their ratio and the cost in percent.
/// </summary>
public static class AuthorizationBenchmark
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}""";
    private const string Namespace = "bench-authz";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = MetadataBenchmark.IntArg(args, "--authz-count", 2000);
        var concurrency = MetadataBenchmark.IntArg(args, "--concurrency", 16);
        var rounds = MetadataBenchmark.IntArg(args, "--authz-rounds", 3);
        var bus = MetadataBenchmark.BusArg(args);
        var dll = MetadataBenchmark.PlatformdArg(args);

        var (vhost, why) = await BenchVhost.CreateAsync(bus);
        if (vhost is null)
        {
            Console.WriteLine($"# authorisation: skipped: {why}");
            return 0;
        }
        await using var _ = vhost;
        var userName = $"bench-user-{Environment.ProcessId}";
        var userUri = await AddBrokerUserAsync(vhost, userName);
        try
        {
            await using var service = ServiceProcess.Start(dll, vhost.BusUri);
            var options = new PlatformClientOptions { BusUri = new Uri(vhost.BusUri), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromSeconds(60) };
            await using var asService = await PlatformClient.ConnectAsync(options);
            await MetadataBenchmark.WaitUntilServingAsync(asService);
            await asService.Users.CreateAsync(new CreateUser { Name = userName, Grants = [new UserGrant { Namespace = Namespace, Role = NamespaceRole.ReadWrite, Privileged = true }] });
            options.BusUri = userUri;
            await using var asUser = await PlatformClient.ConnectAsync(options);
            Console.WriteLine($"# authorisation: platformd pid {service.Pid}, {count} creates per round, {rounds} alternating rounds per side, sequential and {concurrency} callers");

            foreach (var callers in new[] { 1, concurrency })
            {
                var serviceRates = new List<double>();
                var userRates = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    serviceRates.Add(await RoundAsync(asService, $"s{callers}-{round}", count, callers));
                    userRates.Add(await RoundAsync(asUser, $"u{callers}-{round}", count, callers));
                }
                var line = callers == 1 ? "sequential" : $"concurrent{callers}";
                var baseline = Median(serviceRates);
                var checkedRate = Median(userRates);
                Console.WriteLine($"authz.create.{line}.services-user: {baseline:0} /s");
                Console.WriteLine($"authz.create.{line}.granted-user: {checkedRate:0} /s");
                Console.WriteLine($"authz.create.{line}.ratio: {checkedRate / baseline:0.00} (cost {(1 - checkedRate / baseline) * 100:0.0}%, goal under 5%)");
            }
        }
        finally
        {
            await Commands.RunAsync(Commands.Which("rabbitmqctl") ?? "rabbitmqctl", "-q", "delete_user", userName);
        }
        return 0;
    }

    private static async Task<double> RoundAsync(PlatformClient client, string prefix, int count, int callers)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await client.Containers.CreateAsync(new CreateContainer { Id = $"{prefix}-{i:D6}", Runtime = new RuntimeInfo { Name = "io.containerd.runc.v2" }, Spec = Spec });
        }));
        return count / watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<Uri> AddBrokerUserAsync(BenchVhost vhost, string name)
    {
        var rabbitmqctl = Commands.Which("rabbitmqctl") ?? "rabbitmqctl";
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var start = new ProcessStartInfo(rabbitmqctl, ["-q", "add_user", name]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using (var process = Process.Start(start)!)
        {
            await process.StandardInput.WriteLineAsync(password);
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"rabbitmqctl add_user {name} failed: {await process.StandardError.ReadToEndAsync()}");
        }
        var permissions = await Commands.RunAsync(rabbitmqctl, "-q", "set_permissions", "-p", vhost.Name, name, ".*", ".*", ".*");
        if (!permissions.Ok)
            throw new InvalidOperationException($"rabbitmqctl set_permissions failed: {permissions.FirstLine}");
        return new UriBuilder(new Uri(vhost.BusUri)) { UserName = name, Password = password }.Uri;
    }
}
