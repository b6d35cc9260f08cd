using System.Text.Json.Nodes;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// The runtime's half of a CNI call (spec 1.0, "Parameters"): <c>CNI_CONTAINERID</c>, <c>CNI_NETNS</c> and
/// <c>CNI_IFNAME</c>; the command and the plugin's configuration vary per call.
/// </summary>
/// <param name="ContainerId">Unique on the node: the task's namespace and container id joined by <c>--</c>, which identifiers can't contain.</param>
/// <param name="Netns">The path of the container's network namespace file.</param>
/// <param name="IfName">The interface to make inside it (<c>eth0</c>).</param>
/// <param name="PortMappings">CNI's <c>portMappings</c> runtime configuration, given to plugins that declare the capability.</param>
public sealed record CniInvocation(string ContainerId, string Netns, string IfName, JsonArray? PortMappings = null);
