using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Output;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Contracts.Users;

namespace Platform.Cli.Commands.Admin;

/// <summary>
/// <c>admin users add|ls|grant|revoke|rm</c>: a Platform user is a broker user (made through RabbitMQ's management
/// API, its password printed once) plus the grants the metadata service records.
/// </summary>
internal static class UsersCommand
{
    public static Command Create(CliContext context) => new("users", "Add, list and remove users and change their grants")
    {
        Add(context), List(context), Grant(context), Revoke(context), Remove(context), Sync(context),
    };

    private static Option<string[]> NamespacesOption() =>
        new("--namespace") { Description = "A namespace to grant; repeatable", HelpName = "NS", AllowMultipleArgumentsPerToken = false };

    private static Option<bool> ReadOnlyOption() => new("--read-only") { Description = "Read (get, list, wait, logs) but change nothing" };

    private static Option<bool> PrivilegedOption() => new("--privileged") { Description = "Lift the runtime policy and archive rules in these namespaces" };

    private static Option<string> ManagementOption() => new("--management")
    {
        Description = "RabbitMQ management API [default: $PLATFORM_MANAGEMENT, else http://BUS-HOST:15672/]", HelpName = "URL",
    };

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The new user's name (its broker user)" };
        var namespaces = NamespacesOption();
        var readOnly = ReadOnlyOption();
        var privileged = PrivilegedOption();
        var admin = new Option<bool>("--admin") { Description = "An administrator: every namespace, and user management" };
        var management = ManagementOption();
        var command = new Command("add", "Create a user: its broker user with a generated password (printed once) and its grants")
        {
            name, namespaces, readOnly, privileged, admin, management,
        };
        context.SetAction(command, async run =>
        {
            var user = UserNames.Validate(run.Get(name), "NAME");
            var grants = (run.Get(namespaces) ?? []).Select(ns => Grant(ns, run.Get(readOnly), run.Get(privileged))).ToList();
            var client = await run.ClientAsync();
            using var broker = Broker(run, run.Get(management));
            var uri = await broker.CreateUserAsync(user, run.CancellationToken);
            PlatformUser recorded;
            try
            {
                recorded = await client.Users.CreateAsync(new CreateUser { Name = user, Admin = run.Get(admin), Grants = grants }, run.CancellationToken);
                await broker.SetPermissionsAsync(recorded, run.CancellationToken);
            }
            catch (Exception)
            {
                // A broker user without a record could do nothing, but it would block a retry with the same name.
                await broker.DeleteUserAsync(user, CancellationToken.None);
                throw;
            }
            var password = Uri.UnescapeDataString(uri.UserInfo.Split(':', 2)[1]);
            if (run.Json)
            {
                await run.Out.WriteLineAsync(new JsonObject { ["user"] = recorded.Name, ["password"] = password, ["uri"] = uri.ToString() }.ToJsonString(Json.Indented));
            }
            else
            {
                await run.Out.WriteLineAsync($"user: {recorded.Name}");
                await run.Out.WriteLineAsync($"password: {password}");
                await run.Out.WriteLineAsync($"uri: {uri}");
                await run.Err.WriteLineAsync("The password is shown only now: keep the uri in a file only its user can read and point PLATFORM_BUS_FILE at it.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("ls", "List users and their grants, by name");
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var users = await client.Users.ListAsync(run.CancellationToken);
            await Write(run, users);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Grant(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The user" };
        var namespaces = NamespacesOption();
        namespaces.Required = true;
        var readOnly = ReadOnlyOption();
        var privileged = PrivilegedOption();
        var management = ManagementOption();
        var command = new Command("grant", "Grant namespaces to a user (replacing an earlier grant of each)") { name, namespaces, readOnly, privileged, management };
        context.SetAction(command, run => ChangeGrantsAsync(run, run.Get(name)!, run.Get(namespaces)!, run.Get(management),
            (client, user, ns) => client.Users.GrantAsync(user, Grant(ns, run.Get(readOnly), run.Get(privileged)), run.CancellationToken)));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The user" };
        var namespaces = NamespacesOption();
        namespaces.Required = true;
        var management = ManagementOption();
        var command = new Command("revoke", "Take namespaces away from a user") { name, namespaces, management };
        context.SetAction(command, run => ChangeGrantsAsync(run, run.Get(name)!, run.Get(namespaces)!, run.Get(management),
            (client, user, ns) => client.Users.RevokeAsync(user, ns, run.CancellationToken)));
        return command;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to each namespace in turn, then sets the user's broker permissions from the last
    /// result, also when a later namespace failed: what was revoked must not stay open on the broker (this also unbinds
    /// the user's subscriptions from revoked namespaces' events), and what was granted should work.
    /// </summary>
    private static async Task<int> ChangeGrantsAsync(Invocation run, string name, string[] namespaces, string? management,
        Func<PlatformClient, string, string, Task<PlatformUser>> change)
    {
        var client = await run.ClientAsync();
        using var broker = Broker(run, management);
        PlatformUser? user = null;
        try
        {
            foreach (var ns in namespaces)
                user = await change(client, name, ns);
        }
        finally
        {
            if (user is not null)
                await broker.SetPermissionsAsync(user, CancellationToken.None);
        }
        await Write(run, [user!]);
        return ExitCodes.Ok;
    }

    private static Command Sync(CliContext context)
    {
        var management = ManagementOption();
        var command = new Command("sync", "Set every user's broker permissions from its grants (users made by an older version have broader ones)")
        {
            management,
        };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            using var broker = Broker(run, run.Get(management));
            var users = await client.Users.ListAsync(run.CancellationToken);
            foreach (var user in users)
                await broker.SetPermissionsAsync(user, run.CancellationToken);
            await Write(run, users);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var names = new Argument<string[]>("NAME") { Description = "Users to remove", Arity = ArgumentArity.OneOrMore };
        var management = ManagementOption();
        var command = new Command("rm", "Remove users: their grants and their broker users") { names, management };
        command.Aliases.Add("remove");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            using var broker = Broker(run, run.Get(management));
            return await run.RemoveEachAsync(run.Get(names)!, async user =>
            {
                // The broker user first: once it is gone nobody can act as it, whatever happens to the record.
                var hadBrokerUser = await broker.DeleteUserAsync(user, run.CancellationToken);
                try
                {
                    return await client.Users.DeleteAsync(user, run.CancellationToken);
                }
                catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound && hadBrokerUser)
                {
                    return new PlatformUser { Name = user };
                }
            }, (output, removed) => Write(output, removed));
        });
        return command;
    }

    private static UserGrant Grant(string ns, bool readOnly, bool privileged) =>
        new() { Namespace = ns, Role = readOnly ? NamespaceRole.Read : NamespaceRole.ReadWrite, Privileged = privileged };

    private static BrokerAdministration Broker(Invocation run, string? management)
    {
        var given = management ?? (Environment.GetEnvironmentVariable("PLATFORM_MANAGEMENT") is { Length: > 0 } env ? env : null);
        Uri? uri = null;
        if (given is not null && !Uri.TryCreate(given, UriKind.Absolute, out uri))
            throw PlatformException.InvalidArgument($"--management: \"{given}\" is not a URL");
        var options = run.ClientOptions();
        return new BrokerAdministration(options.BusUri, uri) { EndpointPrefix = options.EndpointPrefix };
    }

    private static Task Write(Invocation run, IReadOnlyList<PlatformUser> users) =>
        run.Json ? Write(run.Out, users) : WriteText(run.Out, users);

    private static Task Write(TextWriter output, IEnumerable<PlatformUser> users) =>
        output.WriteLineAsync(new JsonArray([.. users.Select(u => (JsonNode)new JsonObject
        {
            ["name"] = u.Name,
            ["admin"] = u.Admin,
            ["grants"] = new JsonArray([.. u.Grants.Select(g => (JsonNode)new JsonObject
            {
                ["namespace"] = g.Namespace,
                ["role"] = g.Role == NamespaceRole.Read ? "read" : "read-write",
                ["privileged"] = g.Privileged,
            })]),
            ["createdAt"] = Json.Time(u.CreatedAt),
            ["updatedAt"] = Json.Time(u.UpdatedAt),
        })]).ToJsonString(Json.Indented));

    private static Task WriteText(TextWriter output, IReadOnlyList<PlatformUser> users) =>
        TextTable.WriteAsync(output, ["NAME", "ADMIN", "GRANTS"], users.Select(u => (IReadOnlyList<string>)
        [
            u.Name, u.Admin ? "yes" : "no",
            u.Grants.Count == 0 ? "-" : string.Join(",", u.Grants.Select(g => $"{g.Namespace}:{(g.Role == NamespaceRole.Read ? "ro" : "rw")}{(g.Privileged ? "+privileged" : "")}")),
        ]));
}
