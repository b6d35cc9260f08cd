using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Copy;

/// <summary>The runner's private folder for copies: <c>{DataRoot}/copies</c>, holding tar streams in transit and snapshot mount points.</summary>
public sealed class CopyFolders
{
    public CopyFolders(IOptions<StoreOptions> store)
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetFullPath(store.Value.DataRoot), "copies");
        PrivateFiles.EnsureFolder(Root);
    }

    public string Root { get; }

    public string Stream(Guid id) => System.IO.Path.Combine(Root, id.ToString("N") + ".tar");
}
