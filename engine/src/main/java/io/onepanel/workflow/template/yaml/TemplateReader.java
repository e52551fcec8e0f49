package io.onepanel.workflow.template.yaml;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.template.DagSpec;
import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.ScriptSpec;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.SuspendSpec;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.TemplateType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads one entry of {@code templates:}. */
final class TemplateReader {

    private static final List<TemplateType> TYPES = List.of(TemplateType.DAG, TemplateType.CONTAINER,
            TemplateType.SCRIPT, TemplateType.SUSPEND, TemplateType.STEPS, TemplateType.RESOURCE, TemplateType.HTTP,
            TemplateType.CONTAINER_SET, TemplateType.DATA, TemplateType.PLUGIN);
    private static final Set<String> FIELDS = Set.of("name", "inputs", "outputs", "dag", "container", "script",
            "suspend", "steps", "retryStrategy", "activeDeadlineSeconds", "timeout", "parallelism", "failFast", "daemon",
            "metadata", "nodeSelector", "tolerations", "affinity", "volumes", "sidecars", "initContainers",
            "podSpecPatch", "serviceAccountName", "securityContext", "priorityClassName");
    /** Argo template fields with no effect here; they load, with a warning. */
    private static final Set<String> IGNORED = Set.of("archiveLocation", "metrics", "synchronization", "hostAliases",
            "schedulerName", "priority", "automountServiceAccountToken", "executor", "memoize", "resource", "http",
            "containerSet", "data", "plugin", "artifactGC", "annotations", "fromExpression", "podResources");

    private final String file;
    private final IoReader io = new IoReader();
    private final DagReader dags = new DagReader(this);
    private final List<Template> inline = new ArrayList<>();

    TemplateReader(String file) {
        this.file = file;
    }

    /** Templates declared inline in DAG tasks ({@code inline:}), read so far. */
    List<Template> inlineTemplates() {
        return List.copyOf(inline);
    }

    Template template(YamlMap t, String fallbackName) {
        String name = t.text("name");
        if (name == null) {
            if (fallbackName == null) {
                t.diagnostics().error(t.position(), "missing-field", "a template has no 'name'");
            }
            name = fallbackName == null ? "" : fallbackName;
        }
        TemplateType type = type(t, name);
        Consumer<Template> addInline = inline::add;
        KubernetesObjects k8s = new KubernetesObjects(file, t.diagnostics());
        String where = "template '" + name + "'";

        DagSpec dag = null;
        Container container = null;
        ScriptSpec script = null;
        SuspendSpec suspend = null;
        switch (type) {
            case DAG -> dag = t.map("dag").map(d -> dags.dag(d, t.text("name", ""), addInline)).orElse(null);
            case STEPS -> dag = dags.steps(t, t.node("steps").orElseThrow(), t.text("name", ""), addInline);
            case CONTAINER -> container = t.node("container")
                    .flatMap(n -> k8s.read(n, Container.class, "the container of " + where)).orElse(null);
            case SCRIPT -> script = t.node("script").map(n -> script(n, k8s, where)).orElse(null);
            case SUSPEND -> suspend = t.map("suspend").map(s -> {
                SuspendSpec spec = new SuspendSpec(s.text("duration"));
                s.reportUnread("suspend", Set.of("duration"), Set.of());
                return spec;
            }).orElse(new SuspendSpec(null));
            default -> { }
        }

        Template template = new Template(name, type, io.inputs(t), io.outputs(t), dag, container, script, suspend,
                retryStrategy(t), t.text("activeDeadlineSeconds"), t.text("timeout"), t.integer("parallelism"),
                t.bool("failFast"), t.bool("daemon"), metadata(t), t.textMap("nodeSelector"),
                t.node("tolerations").map(n -> k8s.readList(n, Toleration.class, "tolerations of " + where)).orElse(List.of()),
                t.node("affinity").flatMap(n -> k8s.read(n, Affinity.class, "affinity of " + where)).orElse(null),
                t.node("volumes").map(n -> k8s.readList(n, Volume.class, "volumes of " + where)).orElse(List.of()),
                sidecars(t, "sidecars", k8s, where), sidecars(t, "initContainers", k8s, where),
                podSpecPatch(t), t.text("serviceAccountName"),
                t.node("securityContext").flatMap(n -> k8s.read(n, PodSecurityContext.class, "securityContext of " + where))
                        .orElse(null),
                t.text("priorityClassName"), t.positionsWithNested("container", "script", "sidecars", "initContainers",
                        "volumes", "tolerations", "metadata", "nodeSelector", "retryStrategy"));
        t.reportUnread(where, FIELDS, IGNORED);
        return template;
    }

    private TemplateType type(YamlMap t, String name) {
        Set<TemplateType> found = new LinkedHashSet<>();
        for (TemplateType type : TYPES) {
            if (t.has(type.key())) {
                found.add(type);
            }
        }
        if (found.size() > 1) {
            t.diagnostics().error(t.position(), "several-types", "template '" + name + "' has "
                    + found.stream().map(TemplateType::key).toList() + "; a template has exactly one of dag, container,"
                    + " script, suspend (or steps, resource, ...)");
        }
        TemplateType type = found.isEmpty() ? TemplateType.NONE : found.iterator().next();
        if (!type.isSupported() && type != TemplateType.NONE && type != TemplateType.STEPS) {
            t.node(type.key()); // read: reported by the validator where it matters, not as an unknown field
        }
        return type;
    }

    private ScriptSpec script(Node node, KubernetesObjects k8s, String where) {
        String source = "";
        Node containerPart = node;
        if (node instanceof MappingNode m) {
            List<NodeTuple> rest = new ArrayList<>();
            for (NodeTuple tuple : m.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals("source")) {
                    source = tuple.getValueNode() instanceof ScalarNode s ? s.getValue() : "";
                } else {
                    rest.add(tuple);
                }
            }
            containerPart = new MappingNode(m.getTag(), true, rest, m.getStartMark(), m.getEndMark(), m.getFlowStyle());
        }
        Container c = k8s.read(containerPart, Container.class, "the script of " + where).orElse(null);
        return c == null ? null : new ScriptSpec(c, source);
    }

    private List<SidecarContainer> sidecars(YamlMap t, String key, KubernetesObjects k8s, String where) {
        List<SidecarContainer> out = new ArrayList<>();
        for (Node item : t.list(key)) {
            boolean mirror = false;
            Node containerPart = item;
            if (item instanceof MappingNode m) {
                List<NodeTuple> rest = new ArrayList<>();
                for (NodeTuple tuple : m.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals("mirrorVolumeMounts")) {
                        mirror = tuple.getValueNode() instanceof ScalarNode s && s.getValue().equals("true");
                    } else {
                        rest.add(tuple);
                    }
                }
                containerPart = new MappingNode(m.getTag(), true, rest, m.getStartMark(), m.getEndMark(),
                        m.getFlowStyle());
            }
            boolean mirrorMounts = mirror;
            k8s.read(containerPart, Container.class, key + " of " + where)
                    .ifPresent(c -> out.add(new SidecarContainer(c, mirrorMounts)));
        }
        return out;
    }

    private static RetryStrategy retryStrategy(YamlMap t) {
        return t.map("retryStrategy").map(r -> {
            RetryStrategy.Backoff backoff = r.map("backoff").map(b -> {
                RetryStrategy.Backoff bo = new RetryStrategy.Backoff(b.text("duration"), b.text("factor"),
                        b.text("maxDuration"));
                b.reportUnread("backoff", Set.of("duration", "factor", "maxDuration"), Set.of("cap"));
                return bo;
            }).orElse(null);
            RetryStrategy s = new RetryStrategy(r.text("limit"), r.text("retryPolicy"), backoff, r.text("expression"));
            r.reportUnread("retryStrategy", Set.of("limit", "retryPolicy", "backoff", "expression"), Set.of("affinity"));
            return s;
        }).orElse(null);
    }

    private static TemplateMetadata metadata(YamlMap t) {
        return t.map("metadata").map(m -> {
            TemplateMetadata md = new TemplateMetadata(m.textMap("labels"), m.textMap("annotations"));
            m.reportUnread("metadata", Set.of("labels", "annotations"), Set.of());
            return md;
        }).orElse(TemplateMetadata.EMPTY);
    }

    /** podSpecPatch is YAML or JSON text in Argo; a mapping written in place is accepted too. */
    static String podSpecPatch(YamlMap t) {
        return t.node("podSpecPatch").map(n -> {
            if (n instanceof ScalarNode s) {
                return s.getValue();
            }
            try {
                return Serialization.jsonMapper()
                        .writeValueAsString(PlainValue.of(n));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return null;
            }
        }).orElse(null);
    }
}
