using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>
/// <c>ImagePlatform.Parse</c> with the platform's error kind. <see cref="ImagePlatform"/> lives in Platform.Registry, which
/// knows no error kinds (it must not depend on the contracts and so on MassTransit); this static extension keeps every
/// caller's <c>ImagePlatform.Parse(text)</c> as it was.
/// </summary>
public static class ImagePlatformParsing
{
    extension(ImagePlatform)
    {
        /// <summary>Parses <c>os/arch[/variant]</c> (or <c>arch</c> alone, meaning the host's OS); InvalidArgument otherwise.</summary>
        public static ImagePlatform Parse(string text) =>
            ImagePlatform.TryParse(text, out var platform)
                ? platform
                : throw PlatformException.InvalidArgument($"platform \"{text}\" is not of the form os/architecture[/variant]");
    }
}
