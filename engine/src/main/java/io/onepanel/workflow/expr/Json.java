package io.onepanel.workflow.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON in and out of expression values, shaped like Go's {@code encoding/json} that Argo uses: map keys sorted,
 * integral numbers without a fraction.
 */
final class Json {

    /** Configured once and never changed afterwards; Jackson's mapper is thread-safe in that state. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(goShaped(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("normalised values always serialise", e);
        }
    }

    /**
     * @param offset where the call that reads the JSON sits, for the error
     */
    static Object read(String text, int offset) {
        try {
            return ValueType.normalise(MAPPER.readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            throw new ExpressionException("invalid JSON: " + e.getOriginalMessage(), offset);
        }
    }

    private static Object goShaped(Object value) {
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 1e18) {
            return number.longValue();
        } else if (value instanceof List<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(goShaped(item)));
            return list;
        } else if (value instanceof Map<?, ?> entries) {
            Map<String, Object> map = new TreeMap<>();
            entries.forEach((key, item) -> map.put((String) key, goShaped(item)));
            return map;
        }
        return value;
    }
}
