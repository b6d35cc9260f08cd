using System.Text;

namespace Platform.Contracts;

/// <summary>
/// The wire rule for command and query queues: one queue per message type, named in kebab-case after it
/// (<c>CreateContainer</c> → <c>create-container</c>). Services listen there; clients send there.
/// </summary>
public static class QueueNames
{
    /// <summary>The queue of message type <typeparamref name="T"/>.</summary>
    public static string Of<T>() => Of(typeof(T));

    /// <summary>The queue of a message type.</summary>
    public static string Of(Type messageType)
    {
        var name = messageType.Name;
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                text.Append('-');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}
