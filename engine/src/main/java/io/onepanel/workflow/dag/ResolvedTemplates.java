package io.onepanel.workflow.dag;

import io.onepanel.workflow.template.Template;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's templates as substituted for their pods, so that a template is substituted once per
 * distinct set of values its tags name, not once per task: a DAG of 5,000 tasks of one template
 * with the same inputs substitutes it once (substitution renders every Kubernetes part to a JSON
 * tree, which was a third of the engine's work per task).
 *
 * <p>Exact by construction: the first substitution of a template records every variable its tags
 * read; a later one with the same value for each of those gives the same template. A template
 * whose substitution read all variables at once (an expression tag) is never kept. At most
 * {@link #PER_TEMPLATE} results are kept per template, the least recently used dropped first.
 */
final class ResolvedTemplates {

    static final int PER_TEMPLATE = 64;

    /** What a template's tags read, and its substitutions by the values read. */
    private static final class Known {
        final List<String> names;
        final boolean everything;
        final Map<List<String>, Template> byValues = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<String>, Template> eldest) {
                return size() > PER_TEMPLATE;
            }
        };

        Known(List<String> names, boolean everything) {
            this.names = names;
            this.everything = everything;
        }
    }

    /** Keyed by the template as written: one object per template of the run. */
    private final Map<Template, Known> known = new IdentityHashMap<>();
    private long substitutions;

    /** {@code template} with its tags replaced from {@code scope} (see {@link Substitution#apply}). */
    synchronized Template resolve(Template template, Vars scope, String where) {
        Known k = known.get(template);
        if (k != null && !k.everything) {
            Template kept = k.byValues.get(values(k.names, scope));
            if (kept != null) {
                return kept;
            }
        }
        Recording reads = new Recording();
        Template substituted = Substitution.of(scope.observed(reads), where).apply(template);
        substitutions++;
        List<String> names = List.copyOf(reads.names);
        if (k == null || k.everything != reads.everything || !k.names.equals(names)) {
            k = new Known(names, reads.everything);
            known.put(template, k);
        }
        if (!k.everything) {
            k.byValues.put(reads.values(), substituted);
        }
        return substituted;
    }

    /** How many substitutions were made (not answered from what was kept): for tests. */
    synchronized long substitutions() {
        return substitutions;
    }

    private static List<String> values(List<String> names, Vars scope) {
        List<String> values = new ArrayList<>(names.size());
        for (String name : names) {
            values.add(scope.get(name).orElse(null));
        }
        return values;
    }

    /** The variables one substitution read, in order, each once, with the value it saw. */
    private static final class Recording implements Vars.Reads {
        final Set<String> names = new LinkedHashSet<>();
        final Map<String, String> seen = new LinkedHashMap<>();
        boolean everything;

        @Override
        public void read(String name, String value) {
            if (names.add(name)) {
                seen.put(name, value);
            }
        }

        @Override
        public void readAll() {
            everything = true;
        }

        List<String> values() {
            return new ArrayList<>(seen.values());
        }
    }
}
