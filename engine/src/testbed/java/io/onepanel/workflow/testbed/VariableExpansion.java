package io.onepanel.workflow.testbed;

import java.util.List;
import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} expansion, as the kubelet applies it to env values (with the variables
 * defined before), {@code command}, {@code args} and {@code subPathExpr} (with the container's
 * variables): {@code $(NAME)} becomes the value when NAME is defined and stays as written when not,
 * {@code $$} becomes {@code $}, every other character stays.
 */
final class VariableExpansion {

    private VariableExpansion() {}

    static String expand(String input, Map<String, String> variables) {
        if (input == null || input.indexOf('$') < 0) {
            return input;
        }
        StringBuilder out = new StringBuilder(input.length());
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(' && input.indexOf(')', i + 2) >= 0) {
                int close = input.indexOf(')', i + 2);
                String name = input.substring(i + 2, close);
                String value = variables.get(name);
                out.append(value != null ? value : "$(" + name + ")");
                i = close + 1;
            } else {
                out.append(c).append(next);
                i += 2;
            }
        }
        return out.toString();
    }

    static List<String> expand(List<String> inputs, Map<String, String> variables) {
        return inputs.stream().map(s -> expand(s, variables)).toList();
    }
}
