package io.onepanel.workflow.dag;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Variables visible at one point of a run, as flat Argo names ({@code inputs.parameters.x},
 * {@code tasks.A.outputs.result}, {@code workflow.name}), layered: a task's variables sit over its
 * DAG's, which sit over the workflow's. Immutable once built.
 */
final class Vars {

    private final Vars parent;
    private final Map<String, String> local;

    private Vars(Vars parent, Map<String, String> local) {
        this.parent = parent;
        this.local = local;
    }

    static Vars of(Map<String, String> values) {
        return new Vars(null, new HashMap<>(values));
    }

    /**
     * Variables backed by a map that keeps changing, for values a run adds as it goes (global
     * outputs). Only for maps touched on the scheduler's thread.
     */
    static Vars live(Map<String, String> values) {
        return new Vars(null, values);
    }

    /** A layer over this one backed by a map that keeps changing (scheduler thread only). */
    Vars withLive(Map<String, String> more) {
        return new Vars(this, more);
    }

    Vars with(Map<String, String> more) {
        return more.isEmpty() ? this : new Vars(this, new HashMap<>(more));
    }

    Optional<String> get(String name) {
        for (Vars v = this; v != null; v = v.parent) {
            String value = v.local.get(name);
            if (value != null) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** Every variable, inner layers winning; for expressions that need the whole picture. */
    Map<String, String> flatten() {
        Map<String, String> out = parent == null ? new LinkedHashMap<>() : parent.flatten();
        out.putAll(local);
        return out;
    }
}
