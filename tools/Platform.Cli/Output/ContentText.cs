using System.Globalization;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Content records for people: a block for one, a table for many.</summary>
internal static class ContentText
{
    public static Task WriteAsync(TextWriter output, Content content) =>
        TextBlock.WriteAsync(output,
        [
            ("Digest", content.Digest),
            ("Namespace", content.Namespace),
            ("Size", $"{Sizes.Human(content.Size)} ({content.Size.ToString(CultureInfo.InvariantCulture)} bytes)"),
            ("Labels", TextBlock.Lines(content.Labels)),
            ("Created", ContainerText.Time(content.CreatedAt)),
            ("Updated", ContainerText.Time(content.UpdatedAt)),
        ]);

    public static Task WriteAsync(TextWriter output, IEnumerable<Content> contents) =>
        TextTable.WriteAsync(output, ["DIGEST", "SIZE", "CREATED", "LABELS"],
            contents.Select(c => new[] { c.Digest, Sizes.Human(c.Size), ContainerText.Time(c.CreatedAt), TextBlock.Joined(c.Labels) }));
}
