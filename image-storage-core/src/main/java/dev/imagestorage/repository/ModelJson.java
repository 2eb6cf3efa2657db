package dev.imagestorage.repository;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.TenantId;
import java.io.IOException;
import java.util.function.Function;

/**
 * The JSON form of the model records as stored in a metadata store. Identifiers are plain strings, instants are
 * ISO-8601 text, and unknown properties are ignored so that a newer SDK's documents remain readable.
 */
public final class ModelJson {
    private ModelJson() {}

    /** Creates a mapper configured for the model records. */
    public static ObjectMapper newMapper() {
        SimpleModule identifiers = new SimpleModule("image-storage-identifiers");
        addIdentifier(identifiers, ContractId.class, ContractId::of, ContractId::value);
        addIdentifier(identifiers, TenantId.class, TenantId::of, TenantId::value);
        addIdentifier(identifiers, RegionId.class, RegionId::of, RegionId::value);
        addIdentifier(identifiers, ImageId.class, ImageId::of, ImageId::value);
        addIdentifier(identifiers, JobId.class, JobId::of, JobId::value);

        return JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(identifiers)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    private static <T> void addIdentifier(
            SimpleModule module, Class<T> type, Function<String, T> parse, Function<T, String> render) {
        module.addSerializer(type, new JsonSerializer<T>() {
            @Override
            public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
                generator.writeString(render.apply(value));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<T>() {
            @Override
            public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                String text = parser.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    return type.cast(context.handleWeirdStringValue(type, text, e.getMessage()));
                }
            }
        });
    }
}
