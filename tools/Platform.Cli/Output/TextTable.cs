using System.Text;

namespace Platform.Cli.Output;

/// <summary>Columns padded to their widest cell, two spaces apart, no trailing blanks.</summary>
internal static class TextTable
{
    public static Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(row => row[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var i = 0; i < row.Count; i++)
            {
                if (i == row.Count - 1)
                    text.Append(row[i]);
                else
                    text.Append(row[i].PadRight(widths[i] + 2));
            }
            text.Append('\n');
        }
        return output.WriteAsync(text.ToString());
    }
}
