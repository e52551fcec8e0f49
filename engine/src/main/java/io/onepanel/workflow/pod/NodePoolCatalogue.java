package io.onepanel.workflow.pod;

import io.onepanel.workflow.diagnostics.ClosestName;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.InstallValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node pools a cluster offers, and the node label keys that select them. With no pools
 * configured, node selectors are used as written and never checked.
 *
 * @param labelKeys the keys whose value names a pool, preferred first; by default
 *     {@code node.kubernetes.io/instance-type} and the older {@code beta.kubernetes.io/instance-type}
 *     that older Onepanel templates write
 */
public record NodePoolCatalogue(List<String> labelKeys, List<NodePool> pools) {

    public static final String LABEL_KEY = "node.kubernetes.io/instance-type";
    public static final String LEGACY_LABEL_KEY = "beta.kubernetes.io/instance-type";

    public static final NodePoolCatalogue NONE = new NodePoolCatalogue(List.of(LABEL_KEY, LEGACY_LABEL_KEY), List.of());

    public NodePoolCatalogue {
        labelKeys = List.copyOf(labelKeys);
        pools = List.copyOf(pools);
    }

    public static NodePoolCatalogue of(List<NodePool> pools) {
        return new NodePoolCatalogue(NONE.labelKeys(), pools);
    }

    public boolean isConfigured() {
        return !pools.isEmpty();
    }

    /**
     * A catalogue under {@code labelKey} (preferred for node selectors), which also keeps the default
     * keys that older Onepanel templates write.
     */
    public static NodePoolCatalogue labelled(String labelKey, List<NodePool> pools) {
        List<String> keys = new ArrayList<>();
        keys.add(labelKey);
        NONE.labelKeys().stream().filter(k -> !k.equals(labelKey)).forEach(keys::add);
        return new NodePoolCatalogue(keys, pools);
    }

    /**
     * What Onepanel's install-time placeholders become with this catalogue, as Onepanel fills them:
     * {@code {{.NodePoolLabel}}} its label key, {@code {{.DefaultNodePoolOption}}} its first pool.
     */
    public InstallValues installValues(String artifactRepositoryType) {
        return InstallValues.of(artifactRepositoryType, labelKeys.isEmpty() ? null : labelKeys.get(0),
                pools.isEmpty() ? null : pools.get(0).labelValue());
    }

    /** The pool a node selector picks, if any. */
    public Optional<NodePool> resolve(Map<String, String> nodeSelector) {
        for (String key : labelKeys) {
            String value = nodeSelector.get(key);
            if (value != null) {
                for (NodePool pool : pools) {
                    if (pool.matches(value)) {
                        return Optional.of(pool);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Problems with a node selector: a pool value outside the catalogue is an error that lists the
     * known pools. Values still holding {@code {{...}}} are not judged. Never throws.
     */
    public List<Diagnostic> check(Map<String, String> nodeSelector, SourcePosition at) {
        List<Diagnostic> problems = new ArrayList<>();
        if (!isConfigured()) {
            return problems;
        }
        for (String key : labelKeys) {
            String value = nodeSelector.get(key);
            if (value == null || value.contains("{{") || pools.stream().anyMatch(p -> p.matches(value))) {
                continue;
            }
            List<String> known = pools.stream().map(NodePool::labelValue).toList();
            problems.add(Diagnostic.error(at, "unknown-node-pool",
                    "nodeSelector " + key + ": unknown node pool '" + value + "'" + ClosestName.hint(value, known)
                            + "; known pools: "
                            + String.join(", ", pools.stream().map(NodePool::describe).toList())));
        }
        return problems;
    }
}
