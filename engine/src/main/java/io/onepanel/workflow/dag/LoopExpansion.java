package io.onepanel.workflow.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Sequence;
import java.util.ArrayList;
import java.util.List;

/** Turns a loop task's items into one {@link LoopItem} per expanded task. */
final class LoopExpansion {

    /** A loop larger than this is almost certainly a mistake, and would exhaust memory. */
    static final int MAX_ITEMS = 100_000;

    private LoopExpansion() {}

    /**
     * A loop task's items ({@code task} substituted): as the run recorded them when it is a resumed
     * run's (they continue as they were), else expanded now and recorded.
     */
    static List<LoopItem> expand(WorkflowExecution run, String nodeId, DagTask task) {
        List<Object> recorded = run.history.loopItems(run.path(nodeId));
        if (recorded != null) {
            return index(recorded);
        }
        List<LoopItem> items = task.withItems() != null ? items(task.withItems())
                : task.withParam() != null ? fromParam(task.withParam())
                : fromSequence(task.withSequence());
        List<Object> values = items.stream().map(LoopItem::value).toList();
        run.record(events -> events.loopExpanded(nodeId, values));
        return items;
    }

    static List<LoopItem> items(List<Object> withItems) {
        return index(withItems);
    }

    /** @throws IllegalArgumentException when the text is not a JSON list */
    static List<LoopItem> fromParam(String json) {
        Object parsed;
        try {
            parsed = LoopItem.JSON.readValue(json.trim(), Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("withParam value could not be parsed as a JSON list: "
                    + abbreviate(json.trim()));
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException("withParam value is not a JSON list: " + abbreviate(json.trim()));
        }
        return index(new ArrayList<>(list));
    }

    static List<LoopItem> fromSequence(Sequence s) {
        long start = parse(s.start(), 0, "start");
        long end;
        if (s.count() != null && !s.count().isBlank()) {
            if (s.end() != null && !s.end().isBlank()) {
                throw new IllegalArgumentException("withSequence takes either count or end, not both");
            }
            long count = parse(s.count(), 0, "count");
            if (count == 0) {
                return List.of();
            }
            end = start + count - 1;
        } else if (s.end() != null && !s.end().isBlank()) {
            end = parse(s.end(), 0, "end");
        } else {
            throw new IllegalArgumentException("withSequence needs count or end");
        }
        long size = Math.abs(end - start) + 1;
        if (size > MAX_ITEMS) {
            throw new IllegalArgumentException("withSequence would make " + size + " items; at most " + MAX_ITEMS);
        }
        List<Object> values = new ArrayList<>();
        long step = end >= start ? 1 : -1;
        for (long i = start; ; i += step) {
            values.add(s.format() == null || s.format().isEmpty() ? Long.toString(i) : format(s.format(), i));
            if (i == end) {
                break;
            }
        }
        return index(values);
    }

    private static String format(String format, long value) {
        try {
            return String.format(format, value);
        } catch (java.util.IllegalFormatException e) {
            throw new IllegalArgumentException("withSequence format '" + format + "' does not format a number");
        }
    }

    private static long parse(String text, long fallback, String field) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("withSequence " + field + " must be a whole number, not '" + text + "'");
        }
    }

    private static List<LoopItem> index(List<Object> values) {
        if (values.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("the loop has " + values.size() + " items; at most " + MAX_ITEMS);
        }
        List<LoopItem> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(new LoopItem(i, values.get(i)));
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
