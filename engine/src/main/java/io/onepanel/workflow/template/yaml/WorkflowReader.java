package io.onepanel.workflow.template.yaml;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one YAML document as a workflow: an Argo {@code Workflow}, {@code WorkflowTemplate},
 * {@code ClusterWorkflowTemplate} or {@code CronWorkflow} document, Onepanel's bare spec
 * ({@code entrypoint}, {@code arguments}, {@code templates} at the top), or Onepanel's template
 * file (that spec under {@code spec:}, with a display name under {@code metadata:}).
 */
public final class WorkflowReader {

    private static final Set<String> WORKFLOW_KINDS = Set.of("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate");
    private static final Set<String> SPEC_FIELDS = Set.of("entrypoint", "arguments", "templates", "templateDefaults",
            "onExit",
            "parallelism", "activeDeadlineSeconds", "volumes", "volumeClaimTemplates", "volumeClaimGC", "nodeSelector",
            "tolerations", "affinity", "serviceAccountName", "imagePullSecrets", "securityContext", "podGC",
            "podSpecPatch", "podMetadata", "hooks");
    private static final Set<String> SPEC_IGNORED = Set.of("metrics", "synchronization", "ttlStrategy",
            "ttlSecondsAfterFinished", "archiveLogs", "artifactRepositoryRef", "priority", "podPriorityClassName",
            "podPriority", "hostNetwork", "dnsPolicy", "dnsConfig", "workflowMetadata", "shutdown", "suspend", "workflowTemplateRef", "artifactGC", "podDisruptionBudget",
            "executor", "automountServiceAccountToken", "hostAliases", "schedulerName", "podResources");
    private static final Set<String> ONEPANEL_WORKSPACE = Set.of("containers", "ports", "routes");

    private final SourceText source;
    private final String file;
    private final Diagnostics diagnostics;

    public WorkflowReader(String file, Diagnostics diagnostics) {
        this(SourceText.named(file), diagnostics);
    }

    /** A reader that can place every character of a value, for exact positions inside text. */
    public WorkflowReader(SourceText source, Diagnostics diagnostics) {
        this.source = source;
        this.file = source.file();
        this.diagnostics = diagnostics;
    }

    public Optional<Workflow> read(Node document) {
        Optional<YamlMap> rootMap = YamlMap.of(source, document, diagnostics, "a workflow document");
        if (rootMap.isEmpty()) {
            return Optional.empty();
        }
        YamlMap root = rootMap.get();
        if (OnepanelTemplateFile.isOne(root)) {
            return new OnepanelTemplateFile(root, diagnostics).spec().map(file -> spec(file.spec(), "", file.name(),
                    null, file.labels(), root.position(), root.nestedPositions("metadata"))
                    .withDisplayName(file.displayName()));
        }
        String kind = root.text("kind");
        if (kind != null || root.has("apiVersion") || root.has("spec")) {
            return argoDocument(root, kind);
        }
        if (root.keys().stream().anyMatch(ONEPANEL_WORKSPACE::contains) && !root.has("templates")) {
            diagnostics.error(root.position(), "not-a-workflow", "this is an Onepanel workspace template (it has "
                    + root.keys().stream().filter(ONEPANEL_WORKSPACE::contains).toList()
                    + "), not a workflow: workspaces run in Onepanel, not as a DAG");
            return Optional.empty();
        }
        if (!root.has("templates") && !root.has("entrypoint")) {
            diagnostics.error(root.position(), "not-a-workflow", "not a workflow template: expected 'entrypoint' and"
                    + " 'templates' (an Onepanel template) or 'kind: Workflow' with a 'spec' (an Argo document); found "
                    + root.keys());
            return Optional.empty();
        }
        return Optional.of(spec(root, "", null, null, Map.of(), root.position(), Map.of()));
    }

    private Optional<Workflow> argoDocument(YamlMap root, String kind) {
        String apiVersion = root.text("apiVersion");
        if (apiVersion != null && !apiVersion.startsWith("argoproj.io/")) {
            diagnostics.error(root.valuePosition("apiVersion"), "not-a-workflow", "this is a Kubernetes "
                    + (kind == null ? "object" : kind) + " (apiVersion '" + apiVersion
                    + "'), not an Argo workflow; expected apiVersion argoproj.io/v1alpha1");
            return Optional.empty();
        }
        String effectiveKind = kind == null ? "Workflow" : kind;
        String name = null;
        String namespace = null;
        Map<String, String> labels = Map.of();
        Optional<YamlMap> metadata = root.map("metadata");
        if (metadata.isPresent()) {
            YamlMap md = metadata.get();
            name = md.text("name");
            if (name == null && md.has("generateName")) {
                name = stripTrailingDash(md.text("generateName"));
            }
            namespace = md.text("namespace");
            labels = md.textMap("labels");
            md.node("annotations"); // descriptions for people (workflows.argoproj.io/description); nothing to run
            md.reportUnread("metadata", Set.of("name", "generateName", "namespace", "labels", "annotations"),
                    Set.of("uid", "resourceVersion", "creationTimestamp", "generation"));
        }
        Optional<YamlMap> spec;
        if (effectiveKind.equals("CronWorkflow")) {
            spec = root.map("spec").flatMap(s -> {
                Optional<YamlMap> ws = s.map("workflowSpec");
                s.reportUnread("the CronWorkflow spec", Set.of("workflowSpec"), Set.of("schedule", "schedules",
                        "concurrencyPolicy", "timezone", "startingDeadlineSeconds", "successfulJobsHistoryLimit",
                        "failedJobsHistoryLimit", "suspend", "stopStrategy", "when", "workflowMetadata"));
                return ws;
            });
        } else if (WORKFLOW_KINDS.contains(effectiveKind)) {
            spec = root.map("spec");
        } else {
            diagnostics.error(root.valuePosition("kind"), "not-a-workflow", "kind '" + effectiveKind
                    + "' is not a workflow; expected Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow");
            return Optional.empty();
        }
        root.reportUnread("the document", Set.of("apiVersion", "kind", "metadata", "spec"), Set.of("status"));
        if (spec.isPresent() && spec.get().has("workflowTemplateRef")) {
            String ref = spec.get().map("workflowTemplateRef").map(m -> m.text("name")).orElse("?");
            diagnostics.error(spec.get().keyPosition("workflowTemplateRef"), "unsupported-workflow-template-ref",
                    "the " + effectiveKind + " takes its whole spec from WorkflowTemplate '" + ref
                            + "' (workflowTemplateRef), which is not supported: put that template's spec in this"
                            + " file");
            return Optional.empty();
        }
        if (spec.isEmpty()) {
            diagnostics.error(root.position(), "missing-field", "the " + effectiveKind + " has no 'spec'");
            return Optional.empty();
        }
        Map<String, io.onepanel.workflow.diagnostics.SourcePosition> documentFields = root.nestedPositions("metadata");
        return Optional.of(spec(spec.get(), effectiveKind, name, namespace, labels, root.position(), documentFields));
    }

    private Workflow spec(YamlMap spec, String kind, String name, String namespace, Map<String, String> labels,
            io.onepanel.workflow.diagnostics.SourcePosition start,
            Map<String, io.onepanel.workflow.diagnostics.SourcePosition> documentFields) {
        TemplateReader templateReader = new TemplateReader(file);
        IoReader io = new IoReader();
        KubernetesObjects k8s = new KubernetesObjects(file, diagnostics);
        Map<String, Template> templates = new LinkedHashMap<>();
        Node defaults = spec.node("templateDefaults").filter(n -> !YamlMap.isNull(n)).orElse(null);
        if (defaults != null && !(defaults instanceof org.yaml.snakeyaml.nodes.MappingNode)) {
            diagnostics.error(YamlSource.position(file, defaults), "wrong-type", "'templateDefaults' must be a"
                    + " mapping (a template's fields), not " + YamlMap.describe(defaults));
            defaults = null;
        }
        List<YamlMap> templateMaps = new java.util.ArrayList<>();
        for (Node item : spec.list("templates")) {
            YamlMap.of(source, TemplateDefaults.apply(defaults, item), diagnostics, "each item of 'templates'")
                    .ifPresent(templateMaps::add);
        }
        for (YamlMap t : templateMaps) {
            Template template = templateReader.template(t, null);
            if (templates.containsKey(template.name())) {
                diagnostics.error(t.valuePosition("name"), "duplicate-name", "template '" + template.name()
                        + "' is defined twice; first at " + templates.get(template.name()).positions().of("name"));
                continue;
            }
            templates.put(template.name(), template);
        }
        for (Template inline : templateReader.inlineTemplates()) {
            templates.putIfAbsent(inline.name(), inline);
        }
        if (!spec.has("templates")) {
            diagnostics.error(spec.position(), "missing-field", "the workflow has no 'templates'");
        }
        String volumeClaimGC = spec.map("volumeClaimGC").map(m -> {
            String s = m.text("strategy");
            m.reportUnread("volumeClaimGC", Set.of("strategy"), Set.of());
            return s;
        }).orElse(null);
        String podGC = spec.map("podGC").map(m -> {
            String s = m.text("strategy");
            m.reportUnread("podGC", Set.of("strategy"), Set.of("labelSelector", "deleteDelayDuration"));
            return s;
        }).orElse(null);
        TemplateMetadata podMetadata = spec.map("podMetadata").map(m -> {
            TemplateMetadata md = new TemplateMetadata(m.textMap("labels"), m.textMap("annotations"));
            m.reportUnread("podMetadata", Set.of("labels", "annotations"), Set.of());
            return md;
        }).orElse(TemplateMetadata.EMPTY);

        Map<String, io.onepanel.workflow.diagnostics.SourcePosition> fields = new LinkedHashMap<>(documentFields);
        fields.putAll(spec.positionsWithNested("volumes", "podMetadata", "nodeSelector").fields());
        Positions positions = new Positions(start, fields);
        Workflow workflow = new Workflow(file, kind, name == null ? baseName(file) : name, namespace, labels,
                spec.text("entrypoint"), io.arguments(spec, "arguments"), templates, spec.text("onExit"),
                spec.integer("parallelism"), spec.longInteger("activeDeadlineSeconds"),
                spec.node("volumes").map(n -> k8s.readList(n, Volume.class, "volumes")).orElse(List.of()),
                spec.node("volumeClaimTemplates")
                        .map(n -> k8s.readList(n, PersistentVolumeClaim.class, "volumeClaimTemplates")).orElse(List.of()),
                volumeClaimGC, spec.textMap("nodeSelector"),
                spec.node("tolerations").map(n -> k8s.readList(n, Toleration.class, "tolerations")).orElse(List.of()),
                spec.node("affinity").flatMap(n -> k8s.read(n, Affinity.class, "affinity")).orElse(null),
                spec.text("serviceAccountName"),
                spec.node("imagePullSecrets")
                        .map(n -> k8s.readList(n, LocalObjectReference.class, "imagePullSecrets")).orElse(List.of()),
                spec.node("securityContext").flatMap(n -> k8s.read(n, PodSecurityContext.class, "securityContext"))
                        .orElse(null),
                podGC, TemplateReader.podSpecPatch(spec), podMetadata, positions,
                new HookReader().hooks(spec, "the workflow"));
        spec.refuse("artifactRepositoryRef", "artifactRepositoryRef names an artifact repository configured in the"
                + " cluster, which onepanel-workflow cannot read; left as it is, artifacts would go to the default"
                + " repository instead: remove it and give the repository on the command line (--s3-bucket,"
                + " --s3-endpoint) or in the Jenkins step");
        spec.refuse("retryStrategy", "a workflow-wide retryStrategy is not supported, and running without it would"
                + " retry nothing: put it in templateDefaults (or on the templates that should retry)");
        spec.reportUnread("the workflow spec", SPEC_FIELDS, SPEC_IGNORED);
        return workflow;
    }

    private static String stripTrailingDash(String s) {
        return s != null && s.endsWith("-") ? s.substring(0, s.length() - 1) : s;
    }

    private static String baseName(String file) {
        String base = file.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
