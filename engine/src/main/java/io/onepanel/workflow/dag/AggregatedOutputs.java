package io.onepanel.workflow.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.onepanel.workflow.engine.NodePhase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outputs of a loop's items as one task's outputs, as Argo's {@code processAggregateNodeOutputs}
 * makes them: items in loop-index order whatever order they finished in, only succeeded items, and
 * <ul>
 *   <li>{@code outputs.parameters}: a JSON list of each item's parameters as an object (keys sorted,
 *       as Go writes a map);
 *   <li>{@code outputs.parameters.NAME}: a JSON list of that parameter's values, the values
 *       themselves when every one is a JSON object or list, else their text;
 *   <li>{@code outputs.result}: a JSON list of the results, each as the JSON it is (a number stays a
 *       number). Argo fails the DAG on a result that is not JSON; here it is kept as text.
 * </ul>
 */
final class AggregatedOutputs {

    private AggregatedOutputs() {}

    /** @param items the item nodes in loop-index order */
    static Map<String, String> of(String prefix, List<Node> items) {
        List<Map<String, String>> params = new ArrayList<>();
        Map<String, List<String>> byName = new LinkedHashMap<>();
        List<JsonNode> results = new ArrayList<>();
        for (Node item : items) {
            if (item.phase != NodePhase.SUCCEEDED) {
                continue;
            }
            if (!item.outputParameters.isEmpty()) {
                params.add(new TreeMap<>(item.outputParameters));
                item.outputParameters.forEach((k, v) -> byName.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            if (item.result != null) {
                results.add(json(item.result).orElse(TextNode.valueOf(item.result)));
            }
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(prefix + "outputs.parameters", WorkflowVariables.json(params));
        byName.forEach((k, v) -> vars.put(prefix + "outputs.parameters." + k, valueList(v)));
        vars.put(prefix + "outputs.result", WorkflowVariables.json(results));
        return vars;
    }

    /** Argo's aggregatedJSONValueList: objects and lists as themselves when all are, else all as text. */
    private static String valueList(List<String> values) {
        List<JsonNode> structured = new ArrayList<>();
        for (String v : values) {
            JsonNode node = json(v).orElse(null);
            if (node == null || !(node.isObject() || node.isArray())) {
                return WorkflowVariables.json(values);
            }
            structured.add(node);
        }
        return WorkflowVariables.json(structured);
    }

    private static java.util.Optional<JsonNode> json(String text) {
        try {
            return java.util.Optional.ofNullable(LoopItem.JSON.readTree(text)).filter(n -> !n.isMissingNode());
        } catch (JsonProcessingException e) {
            return java.util.Optional.empty();
        }
    }
}
