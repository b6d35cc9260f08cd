using System.Net;
using System.Net.Sockets;

namespace Platform.Registry.Tests.Support;

internal static class Loopback
{
    /// <summary>A port on 127.0.0.1 that nothing listened on a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
