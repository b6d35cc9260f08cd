using System.Security.Cryptography;
using System.Text;

namespace Platform.ResourceGc.Unpack;

/// <summary>
/// Snapshot names of an image's layers: chainID(L1) = diffID(L1); chainID(L1..n) = sha256 of the text
/// "chainID(L1..n-1) diffID(Ln)". Two images on one base get the same names for its layers, so they share them.
/// </summary>
public static class ChainIds
{
    public static IReadOnlyList<string> Of(IReadOnlyList<string> diffIds)
    {
        var chain = new List<string>(diffIds.Count);
        foreach (var diffId in diffIds)
            chain.Add(chain.Count == 0 ? diffId : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(chain[^1] + " " + diffId))));
        return chain;
    }
}
