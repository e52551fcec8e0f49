package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.template.LifecycleHook;
import io.onepanel.workflow.template.TemplateRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads Argo's {@code hooks:} (of a workflow spec or a DAG task): a map of hook name to LifecycleHook. */
final class HookReader {

    private static final Set<String> HOOK_FIELDS = Set.of("template", "templateRef", "arguments", "expression");

    private final IoReader io = new IoReader();

    Map<String, LifecycleHook> hooks(YamlMap owner, String where) {
        Map<String, LifecycleHook> out = new LinkedHashMap<>();
        owner.map("hooks").ifPresent(hooks -> {
            for (String key : hooks.keys()) {
                hooks.map(key).ifPresent(h -> {
                    TemplateRef ref = h.map("templateRef").map(m -> {
                        TemplateRef r = new TemplateRef(m.text("name"), m.text("template"),
                                Boolean.TRUE.equals(m.bool("clusterScope")));
                        m.reportUnread("templateRef", Set.of("name", "template", "clusterScope"), Set.of());
                        return r;
                    }).orElse(null);
                    out.put(key, new LifecycleHook(h.text("template"), ref, io.arguments(h, "arguments"),
                            h.text("expression"), h.positions()));
                    h.reportUnread("hook '" + key + "' of " + where, HOOK_FIELDS, Set.of());
                });
            }
        });
        return out;
    }
}
