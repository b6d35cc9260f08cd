using System.Globalization;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>A user resolved against an image's /etc/passwd and /etc/group.</summary>
/// <param name="AdditionalGids">The groups /etc/group lists the user in, other than <paramref name="Gid"/>, in file order.</param>
public sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids);

/// <summary>
/// Resolves an image's or a user's <c>User</c> (<c>name</c>, <c>uid</c>, <c>uid:gid</c>, <c>name:group</c>,
/// <c>uid:group</c>, <c>name:gid</c>) to ids, as runc's user lookup does for docker.
/// </summary>
public static class UserResolver
{
    /// <summary>
    /// Empty means root. A name must be in <paramref name="passwd"/> (its primary gid is used when no group is given);
    /// a numeric uid need not be (gid 0 then, unless given). A group name must be in <paramref name="group"/>.
    /// Additional gids are the groups that list the user's name. Null readers mean the file does not exist.
    /// Errors: NotFound naming the user or group and the file; InvalidArgument for a malformed value.
    /// </summary>
    public static ResolvedUser Resolve(string? user, TextReader? passwd, TextReader? group)
    {
        user = (user ?? "").Trim();
        var colon = user.IndexOf(':');
        var userPart = colon < 0 ? user : user[..colon];
        var groupPart = colon < 0 ? null : user[(colon + 1)..];
        if (userPart.Length == 0 && groupPart is not null)
            throw PlatformException.InvalidArgument($"user \"{user}\" has a group but no user");
        if (groupPart is { Length: 0 })
            throw PlatformException.InvalidArgument($"user \"{user}\" has an empty group after ':'");
        if (userPart.Length == 0)
            userPart = "0";

        var users = passwd is null ? [] : ReadPasswd(passwd);
        var groups = group is null ? [] : ReadGroup(group);

        PasswdEntry? entry;
        uint uid;
        if (TryParseId(userPart, out uid))
        {
            entry = users.FirstOrDefault(u => u.Uid == uid);
        }
        else
        {
            if (passwd is null)
                throw PlatformException.NotFound($"user \"{userPart}\": the image has no /etc/passwd to look it up in");
            entry = users.FirstOrDefault(u => u.Name == userPart)
                ?? throw PlatformException.NotFound($"user \"{userPart}\" is not in the image's /etc/passwd");
            uid = entry.Uid;
        }

        uint gid;
        if (groupPart is null)
            gid = entry?.Gid ?? 0;
        else if (!TryParseId(groupPart, out gid))
        {
            if (group is null)
                throw PlatformException.NotFound($"group \"{groupPart}\": the image has no /etc/group to look it up in");
            gid = (groups.FirstOrDefault(g => g.Name == groupPart)
                ?? throw PlatformException.NotFound($"group \"{groupPart}\" is not in the image's /etc/group")).Gid;
        }

        var additional = entry is null
            ? []
            : groups.Where(g => g.Members.Contains(entry.Name) && g.Gid != gid).Select(g => g.Gid).Distinct().ToList();
        return new ResolvedUser(uid, gid, additional);
    }

    private static bool TryParseId(string text, out uint id) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid);

    private sealed record GroupEntry(string Name, uint Gid, IReadOnlyList<string> Members);

    // name:password:uid:gid:gecos:home:shell; lines that don't parse are skipped, as libc does.
    private static List<PasswdEntry> ReadPasswd(TextReader reader) =>
        Lines(reader)
            .Select(l => l.Split(':'))
            .Where(f => f.Length >= 4 && TryParseId(f[2], out _) && TryParseId(f[3], out _))
            .Select(f => new PasswdEntry(f[0], uint.Parse(f[2], CultureInfo.InvariantCulture), uint.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();

    // name:password:gid:member,member
    private static List<GroupEntry> ReadGroup(TextReader reader) =>
        Lines(reader)
            .Select(l => l.Split(':'))
            .Where(f => f.Length >= 3 && TryParseId(f[2], out _))
            .Select(f => new GroupEntry(f[0], uint.Parse(f[2], CultureInfo.InvariantCulture),
                f.Length > 3 ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []))
            .ToList();

    private static IEnumerable<string> Lines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
                yield return line;
        }
    }
}
