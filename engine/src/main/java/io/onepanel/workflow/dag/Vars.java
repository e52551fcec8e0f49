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

    /** Hears what a substitution read from these variables (see {@link ResolvedTemplates}). */
    interface Reads {
        void read(String name, String value);

        /** Every variable was read at once (an expression's scope). */
        void readAll();
    }

    private final Vars parent;
    private final Map<String, String> local;
    private final Reads reads;

    private Vars(Vars parent, Map<String, String> local) {
        this(parent, local, null);
    }

    private Vars(Vars parent, Map<String, String> local, Reads reads) {
        this.parent = parent;
        this.local = local;
        this.reads = reads;
    }

    /** These variables, telling {@code reads} of every read made through the view. */
    Vars observed(Reads reads) {
        return new Vars(this, Map.of(), reads);
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
        String found = null;
        for (Vars v = this; v != null && found == null; v = v.parent) {
            found = v.local.get(name);
        }
        if (reads != null) {
            reads.read(name, found);
        }
        return Optional.ofNullable(found);
    }

    /** Every variable, inner layers winning; for expressions that need the whole picture. */
    Map<String, String> flatten() {
        if (reads != null) {
            reads.readAll();
        }
        Map<String, String> out = parent == null ? new LinkedHashMap<>() : parent.flatten();
        out.putAll(local);
        return out;
    }
}
