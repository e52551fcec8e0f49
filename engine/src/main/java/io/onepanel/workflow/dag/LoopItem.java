package io.onepanel.workflow.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One item of a loop ({@code withItems}, {@code withParam}, {@code withSequence}).
 *
 * @param value String, Number, Boolean, List or Map, as read from YAML or JSON
 */
public record LoopItem(int index, Object value) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The expanded node's name, as Argo names it: {@code task(0:value)}. */
    public String nodeName(String taskName) {
        return taskName + "(" + index + ":" + label() + ")";
    }

    private String label() {
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + ":" + text(e.getValue()))
                    .collect(Collectors.joining(","));
        }
        return text(value);
    }

    /** Variables this item adds: {@code item} and, for maps, {@code item.<key>}. */
    public Map<String, String> variables() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("item", text(value));
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> vars.put("item." + k, text(v)));
        }
        return vars;
    }

    /** Argo's rendering of a value in text: scalars as written, lists and maps as JSON. */
    public static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            try {
                return JSON.writeValueAsString(v);
            } catch (JsonProcessingException e) {
                return String.valueOf(v);
            }
        }
        return String.valueOf(v);
    }
}
