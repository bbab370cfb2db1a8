using System.Text.Json;
using System.Text.Json.Serialization;
using Almyty.Domain.Common;

namespace Almyty.Api.Http;

/// <summary>Reads a member into <see cref="Optional{T}"/>: absent stays absent, <c>null</c> becomes present-and-null.</summary>
public sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalJsonConverter<T> : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return new Optional<T>(default!);
            }

            if (typeof(T) == typeof(IReadOnlyList<string>) && reader.TokenType == JsonTokenType.StartArray)
            {
                return new Optional<T>((T)(object)ReadStrings(ref reader));
            }

            // The inner converter is called directly, so a wrong type is reported at this member's path.
            var converter = (JsonConverter<T>)options.GetConverter(typeof(T));
            return new Optional<T>(converter.Read(ref reader, typeof(T), options)!);
        }

        /// <summary>
        /// Element by element: the serializer does not follow the index inside a value read by the inner converter, so
        /// a wrong element would be named after the list alone. The index goes with the exception, and the serializer
        /// adds this member's path to it (ApiExceptionHandler.JsonFieldPath joins the two: <c>configuration.stop[1]</c>).
        /// </summary>
        private static List<string> ReadStrings(ref Utf8JsonReader reader)
        {
            var items = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    var wrongType = new JsonException();
                    wrongType.Data[ApiExceptionHandler.InnerJsonPathKey] = $"[{items.Count}]";
                    throw wrongType;
                }

                items.Add(reader.GetString()!);
            }

            return items;
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options)
        {
            if (value.HasValue)
            {
                JsonSerializer.Serialize(writer, value.Value, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
