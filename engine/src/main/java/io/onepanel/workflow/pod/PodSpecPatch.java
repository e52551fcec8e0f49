package io.onepanel.workflow.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Argo's {@code podSpecPatch}: a JSON or YAML patch merged onto the finished pod spec with
 * Kubernetes' strategic merge, as {@code strategicpatch.StrategicMergePatch(spec, patch, PodSpec{})}
 * does in Argo's {@code workflowpod.go}: maps merge key by key, {@code null} deletes a key, lists
 * with a merge key (containers by {@code name}, volumeMounts by {@code mountPath}, ...) merge element
 * by element, other lists (tolerations, args, command) are replaced, and {@code $patch: replace} /
 * {@code $patch: delete} directives are honoured. The workflow's patch applies first, then the
 * template's.
 */
public final class PodSpecPatch {

    private PodSpecPatch() {}

    /** The merge key of each list field of PodSpec and Container that Kubernetes merges by key. */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"),
            Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"),
            Map.entry("volumes", "name"),
            Map.entry("imagePullSecrets", "name"),
            Map.entry("hostAliases", "ip"),
            Map.entry("resourceClaims", "name"),
            Map.entry("schedulingGates", "name"),
            Map.entry("topologySpreadConstraints", "topologyKey"),
            Map.entry("env", "name"),
            Map.entry("volumeMounts", "mountPath"),
            Map.entry("volumeDevices", "devicePath"),
            Map.entry("ports", "containerPort"),
            Map.entry("resizePolicy", "resourceName"));

    private static final ObjectMapper YAML = new YAMLMapper();

    /**
     * Applies {@code patch} (JSON, or YAML as Argo also accepts) to {@code spec}.
     *
     * @throws IllegalArgumentException with a message for people when the patch is not an object of
     *     PodSpec fields
     */
    public static PodSpec apply(PodSpec spec, String patch) {
        if (patch == null || patch.isBlank()) {
            return spec;
        }
        JsonNode patchNode = parse(patch);
        ObjectMapper json = Serialization.jsonMapper();
        ObjectNode target = json.valueToTree(spec);
        merge(target, (ObjectNode) patchNode);
        PodSpec merged;
        try {
            merged = json.treeToValue(target, PodSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("podSpecPatch does not fit a pod spec: " + e.getOriginalMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        merged.getAdditionalProperties().keySet().forEach(k -> unknown.add(k));
        for (Container c : merged.getContainers()) {
            c.getAdditionalProperties().keySet().forEach(k -> unknown.add("containers[" + c.getName() + "]." + k));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("podSpecPatch has fields a pod spec does not have: "
                    + String.join(", ", unknown));
        }
        return merged;
    }

    /** Parses a patch; JSON when it starts with '{' (as Argo decides), else YAML. */
    static JsonNode parse(String patch) {
        JsonNode node;
        try {
            node = patch.strip().startsWith("{") ? Serialization.jsonMapper().readTree(patch) : YAML.readTree(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("podSpecPatch is neither JSON nor YAML: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("podSpecPatch must be an object of pod spec fields, e.g. "
                    + "{\"containers\":[{\"name\":\"main\",\"resources\":{...}}]}");
        }
        return node;
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("$")) {
                continue; // $patch handled by the caller; $setElementOrder and $retainKeys only order or prune
            }
            JsonNode existing = target.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && "replace".equals(value.path("$patch").asText())) {
                ObjectNode copy = value.deepCopy();
                copy.remove("$patch");
                target.set(key, copy);
            } else if (value.isObject() && "delete".equals(value.path("$patch").asText())) {
                target.remove(key);
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value);
            } else if (value.isArray() && existing != null && existing.isArray() && MERGE_KEYS.containsKey(key)) {
                mergeList((ArrayNode) existing, (ArrayNode) value, MERGE_KEYS.get(key));
            } else {
                target.set(key, stripDirectives(value.deepCopy()));
            }
        }
    }

    private static void mergeList(ArrayNode target, ArrayNode patch, String mergeKey) {
        for (JsonNode element : patch) {
            if (element.isObject() && "replace".equals(element.path("$patch").asText())) {
                target.removeAll(); // {"$patch": "replace"} in a list: the patch's other elements replace it
                continue;
            }
            JsonNode key = element.get(mergeKey);
            int index = -1;
            for (int i = 0; key != null && i < target.size(); i++) {
                if (key.equals(target.get(i).get(mergeKey))) {
                    index = i;
                    break;
                }
            }
            boolean delete = element.isObject() && "delete".equals(element.path("$patch").asText());
            if (delete) {
                if (index >= 0) {
                    target.remove(index);
                }
            } else if (index >= 0 && element.isObject() && target.get(index).isObject()) {
                merge((ObjectNode) target.get(index), (ObjectNode) element);
            } else {
                target.add(stripDirectives(element.deepCopy()));
            }
        }
    }

    private static JsonNode stripDirectives(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            object.remove(List.of("$patch", "$retainKeys"));
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (name.startsWith("$setElementOrder")) {
                    object.remove(name);
                } else {
                    stripDirectives(object.get(name));
                }
            }
        } else if (node.isArray()) {
            node.forEach(PodSpecPatch::stripDirectives);
        }
        return node;
    }
}
