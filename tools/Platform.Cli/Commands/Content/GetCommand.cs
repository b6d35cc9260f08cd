using System.CommandLine;
using System.Text;
using Platform.Common.Errors;

namespace Platform.Cli.Commands.Content;

internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var digest = new Argument<string>("digest") { Description = "sha256:<64 hex>" };
        // docker's -o/--output is platformctl's output format, so the file is -f/--file (as in images save).
        var file = new Option<string>("--file", "-f")
        {
            Description = "Write the blob to FILE (via FILE.tmp, renamed when complete) instead of stdout",
            HelpName = "FILE",
        };
        var command = new Command("get", "Write a blob's raw bytes to stdout or a file") { digest, file };
        context.SetAction(command, async run =>
        {
            var path = run.Get(file) is { } given ? Path.GetFullPath(given) : null;
            if (path is not null && Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
                throw PlatformException.InvalidArgument($"--file \"{run.Get(file)}\": folder {folder} does not exist");
            var client = await run.ClientAsync();
            // Opening asks for the record first, so an unknown digest is NotFound before any file exists.
            await using var blob = await client.Content.ReadAsync(run.Get(digest)!, run.Namespace, run.CancellationToken);
            if (path is null)
            {
                await using var stdout = StandardOutput(run);
                await blob.CopyToAsync(stdout, run.CancellationToken);
                await stdout.FlushAsync(run.CancellationToken);
                return ExitCodes.Ok;
            }
            var temporary = path + ".tmp";
            try
            {
                await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                    await blob.CopyToAsync(output, run.CancellationToken);
                File.Move(temporary, path, overwrite: true);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The process's stdout as bytes. An in-process caller that passed its own writer gets the bytes decoded as UTF-8
    /// (fine for manifests and configs; use --file for layers).
    /// </summary>
    private static Stream StandardOutput(Invocation run)
    {
        if (ReferenceEquals(run.Out, Console.Out))
        {
            run.Out.Flush();
            return Console.OpenStandardOutput();
        }
        return new WriterStream(run.Out);
    }

    private sealed class WriterStream(TextWriter writer) : Stream
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
            _decoder.GetChars(buffer, offset, count, chars, 0);
            writer.Write(chars);
        }

        public override void Flush() => writer.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
