namespace Platform.Deployment.Tests;

/// <summary>
/// Just enough YAML for the block style <c>docker-compose config</c> prints: nested mappings, scalars and
/// lists of scalars (continuation lines of a folded scalar are joined). Not a general YAML parser.
/// </summary>
internal sealed class SimpleYaml
{
    public string Key { get; }
    public string? Value { get; private set; }
    public List<SimpleYaml> Children { get; } = [];
    public List<string> Items { get; } = [];

    private SimpleYaml(string key) => Key = key;

    public SimpleYaml? Child(string key) => Children.FirstOrDefault(c => c.Key == key);

    public static SimpleYaml Parse(string text)
    {
        var root = new SimpleYaml("");
        var stack = new List<(int Indent, SimpleYaml Node)> { (-1, root) };
        (int Indent, Action<string> Append)? last = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            var indent = line.Length - line.TrimStart().Length;
            var content = line.Trim();
            if (last is { } l && indent > l.Indent && !content.StartsWith("- ", StringComparison.Ordinal) && !IsKey(content))
            {
                l.Append(content); // continuation of a folded scalar
                continue;
            }
            if (content.StartsWith("- ", StringComparison.Ordinal) || content == "-")
            {
                // A list item belongs to the nearest key above it with a smaller or equal indent.
                while (stack.Count > 1 && stack[^1].Indent > indent)
                    stack.RemoveAt(stack.Count - 1);
                var owner = stack[^1].Node;
                var item = Unquote(content.Length > 1 ? content[2..] : "");
                owner.Items.Add(item);
                var index = owner.Items.Count - 1;
                last = (indent, more => owner.Items[index] += " " + more);
                continue;
            }
            while (stack.Count > 1 && stack[^1].Indent >= indent)
                stack.RemoveAt(stack.Count - 1);
            var colon = content.IndexOf(": ", StringComparison.Ordinal);
            var key = colon >= 0 ? content[..colon] : content.TrimEnd(':');
            var node = new SimpleYaml(Unquote(key));
            stack[^1].Node.Children.Add(node);
            if (colon >= 0)
            {
                var value = content[(colon + 2)..].Trim();
                node.Value = value == "{}" ? null : Unquote(value);
                last = (indent, more => node.Value += " " + more);
            }
            else
            {
                last = null;
            }
            stack.Add((indent, node));
        }
        return root;
    }

    private static bool IsKey(string content) => content.EndsWith(':') || content.Contains(": ", StringComparison.Ordinal);

    private static string Unquote(string s) =>
        s.Length >= 2 && ((s[0] == '\'' && s[^1] == '\'') || (s[0] == '"' && s[^1] == '"')) ? s[1..^1] : s;
}
