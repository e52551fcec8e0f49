package io.onepanel.workflow.expr;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks into a structured value by name segments: {@code key} of {@code item = {key: ...}}, or {@code 0} of a
 * list. This is how {@code item.key} resolves when the scope holds {@code item} as a map, for simple tags and
 * expressions alike.
 */
final class MemberPath {

    private MemberPath() {
    }

    static Optional<Object> walk(Object value, List<String> segments) {
        Object current = value;
        for (String segment : segments) {
            if (current instanceof Map<?, ?> map && map.containsKey(segment)) {
                current = map.get(segment);
            } else if (current instanceof List<?> list && isIndex(segment, list.size())) {
                current = list.get(Integer.parseInt(segment));
            } else {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(current);
    }

    private static boolean isIndex(String segment, int size) {
        if (segment.isEmpty() || segment.length() > 9 || !segment.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(segment) < size;
    }
}
