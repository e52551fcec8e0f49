package io.onepanel.workflow.dag;

import java.util.ArrayList;
import java.util.List;

/**
 * The chain of template calls that led to a node: the entrypoint, then each task and the template
 * it called. Templates may call themselves (a recursion that a {@code when} ends), so the chain is
 * bounded, as Argo bounds it, and a run that goes deeper fails with the chain in its message.
 *
 * @param task the task that made this call, null for the entrypoint and exit handlers
 */
record Call(String task, String template, Call parent, int depth) {

    /** Argo's controller refuses to nest templates deeper than this (maxAllowedStackDepth). */
    static final int MAX_DEPTH = 100;

    static Call root(String template) {
        return new Call(null, template, null, 1);
    }

    Call then(String byTask, String calledTemplate) {
        return new Call(byTask, calledTemplate, this, depth + 1);
    }

    boolean tooDeep() {
        return depth > MAX_DEPTH;
    }

    /** What a user reads when the chain is too deep: the cycle that repeats, or the chain's start. */
    String tooDeepMessage() {
        List<Call> chain = new ArrayList<>();
        for (Call c = this; c != null; c = c.parent) {
            chain.add(0, c);
        }
        int from = 0;
        int to = Math.min(chain.size() - 1, 6);
        search:
        for (int j = 1; j < chain.size(); j++) {
            for (int i = 0; i < j; i++) {
                if (chain.get(i).template.equals(chain.get(j).template)) {
                    from = i;
                    to = j;
                    break search;
                }
            }
        }
        StringBuilder b = new StringBuilder(chain.get(from).template);
        for (int k = from + 1; k <= to; k++) {
            b.append(" → task '").append(chain.get(k).task).append("' → ").append(chain.get(k).template);
        }
        return "templates are nested more than " + MAX_DEPTH + " deep (the limit Argo also sets): " + b
                + " → …; a template that calls itself needs a when or depends that ends the recursion";
    }
}
