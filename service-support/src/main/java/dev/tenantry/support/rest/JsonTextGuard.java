package dev.tenantry.support.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * One guard for every JSON string a service reads with its ObjectMapper (request bodies above
 * all): a value or key carrying NUL is refused with {@link NulCharacterException}, a 400, instead
 * of travelling to PostgreSQL, which refuses it with a 500 for the client. Other control
 * characters are left to each field's own rules (a description may hold a line break).
 */
@Singleton
public class JsonTextGuard implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("tenantry-json-text-guard");
        module.addDeserializer(String.class, new GuardedText());
        module.addKeyDeserializer(String.class, new GuardedKey());
        mapper.registerModule(module);
    }

    static boolean carriesNul(String text) {
        return text != null && text.indexOf('\0') >= 0;
    }

    private static final class GuardedText extends StdScalarDeserializer<String> {

        GuardedText() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = StringDeserializer.instance.deserialize(parser, context);
            if (carriesNul(text)) {
                throw new NulCharacterException(parser);
            }
            return text;
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public boolean isCachable() {
            return true;
        }
    }

    private static final class GuardedKey extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws IOException {
            if (carriesNul(key)) {
                throw new NulCharacterException(context.getParser());
            }
            return key;
        }
    }
}
