using System.Reflection;
using System.Text;
using MassTransit;
using Platform.Contracts;
using Xunit;

namespace Platform.Contracts.Tests;

/// <summary>
/// Every wire type, its pinned URN and its members, compared with a committed approved file: a contract
/// change shows up in review as a diff of contracts.approved.txt. Changes must be additive; a breaking
/// change is a new type.
/// </summary>
public sealed class When_the_contracts_change
{
    [Fact]
    public void Should_match_the_approved_wire_shape()
    {
        var received = Describe(typeof(ErrorReply).Assembly);
        var approvedPath = Path.Combine(AppContext.BaseDirectory, "contracts.approved.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : "";
        if (received != approved)
        {
            var receivedPath = Path.Combine(SourceFolder(), "contracts.received.txt");
            File.WriteAllText(receivedPath, received);
            Assert.Fail($"The wire contracts differ from tests/Platform.Contracts.Tests/contracts.approved.txt. " +
                        $"Review {receivedPath}; if the change is intended (and additive), copy it over the approved file.");
        }
    }

    [Fact]
    public void Should_pin_every_message_type_with_a_unique_urn()
    {
        var types = MessageTypes(typeof(ErrorReply).Assembly).ToList();
        var missing = types.Where(t => t.GetCustomAttribute<MessageUrnAttribute>() is null).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, "types without [MessageUrn]: " + string.Join(", ", missing));
        var urns = types.Select(t => t.GetCustomAttribute<MessageUrnAttribute>()!.Urn.ToString()).ToList();
        Assert.Equal(urns.Count, urns.Distinct().Count());
    }

    private static IEnumerable<Type> MessageTypes(Assembly assembly) =>
        assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && !typeof(Attribute).IsAssignableFrom(t));

    private static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.IsEnum)
            {
                text.Append($"enum {type.FullName}\n");
                foreach (var name in Enum.GetNames(type))
                    text.Append($"  {name} = {Convert.ToInt64(Enum.Parse(type, name))}\n");
                continue;
            }
            var urn = type.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString();
            var kind = type.IsInterface ? "interface" : type.IsAbstract && type.IsSealed ? "static" : "record";
            var access = type.GetCustomAttribute<RequiresAttribute>() is { } requires ? " requires " + requires.Access : "";
            text.Append($"{kind} {type.FullName}{(urn is null ? "" : " " + urn)}{access}\n");
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                         .Where(p => p.Name != "EqualityContract"))
            {
                var required = property.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>() is not null;
                text.Append($"  {property.Name}: {TypeName(property)}{(required ? " required" : "")}\n");
            }
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
                text.Append($"  const {field.Name} = {field.GetRawConstantValue()}\n");
        }
        return text.ToString();
    }

    private static string TypeName(PropertyInfo property)
    {
        var nullable = new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
        return Name(property.PropertyType) + (nullable && !property.PropertyType.IsValueType ? "?" : "");
    }

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return Name(inner) + "?";
        if (!type.IsGenericType)
            return type.Name;
        var args = string.Join(", ", type.GetGenericArguments().Select(Name));
        return $"{type.Name[..type.Name.IndexOf('`')]}<{args}>";
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
