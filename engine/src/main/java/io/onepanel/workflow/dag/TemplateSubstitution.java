package io.onepanel.workflow.dag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.DagSpec;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.HttpSource;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.KubernetesExpansion;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.RawSource;
import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.S3Source;
import io.onepanel.workflow.template.ScriptSpec;
import io.onepanel.workflow.template.Sequence;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.ValueFrom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Applies a text substitution to every string of a template, as Argo does by rendering the
 * template to JSON and replacing {@code {{...}}} in it. Kubernetes parts go through a JSON tree so
 * that every field of every fabric8 type is covered.
 */
final class TemplateSubstitution {

    private static final ObjectMapper JSON = Serialization.jsonMapper();

    private final UnaryOperator<String> replace;
    /** For a container's command, args and env values, which Kubernetes expands. */
    private final UnaryOperator<String> replaceExpanded;

    TemplateSubstitution(UnaryOperator<String> replace) {
        this(replace, replace);
    }

    TemplateSubstitution(UnaryOperator<String> replace, UnaryOperator<String> replaceExpanded) {
        this.replace = replace;
        this.replaceExpanded = replaceExpanded;
    }

    Template apply(Template t) {
        return new Template(t.name(), t.type(), inputs(t.inputs()), outputs(t.outputs()), dag(t.dag()),
                container(t.container()), script(t.script()), t.suspend() == null ? null
                        : new io.onepanel.workflow.template.SuspendSpec(s(t.suspend().duration())),
                retry(t.retryStrategy()), s(t.activeDeadlineSeconds()), s(t.timeout()), t.parallelism(), t.failFast(),
                t.daemon(), metadata(t.metadata()), map(t.nodeSelector()), k8sList(t.tolerations()), k8s(t.affinity()),
                k8sList(t.volumes()), sidecars(t.sidecars()), sidecars(t.initContainers()), s(t.podSpecPatch()),
                s(t.serviceAccountName()), k8s(t.securityContext()), s(t.priorityClassName()), t.positions());
    }

    DagTask task(DagTask t) {
        List<Object> items = t.withItems() == null ? null : t.withItems().stream().map(this::plain).toList();
        Sequence seq = t.withSequence() == null ? null : new Sequence(s(t.withSequence().count()),
                s(t.withSequence().start()), s(t.withSequence().end()), s(t.withSequence().format()));
        return new DagTask(t.name(), t.template(), t.templateRef(), t.dependencies(), t.depends(), s(t.when()),
                arguments(t.arguments()), items, s(t.withParam()), seq, t.continueOn(), t.onExit(), t.positions(),
                t.hooks());
    }

    /** Only the loop of a task ({@code withItems}, {@code withParam}, {@code withSequence}); the rest as written. */
    DagTask loop(DagTask t) {
        List<Object> items = t.withItems() == null ? null : t.withItems().stream().map(this::plain).toList();
        Sequence seq = t.withSequence() == null ? null : new Sequence(s(t.withSequence().count()),
                s(t.withSequence().start()), s(t.withSequence().end()), s(t.withSequence().format()));
        return new DagTask(t.name(), t.template(), t.templateRef(), t.dependencies(), t.depends(), t.when(),
                t.arguments(), items, s(t.withParam()), seq, t.continueOn(), t.onExit(), t.positions(), t.hooks());
    }

    Arguments arguments(Arguments a) {
        return new Arguments(a.parameters().stream().map(this::parameter).toList(),
                a.artifacts().stream().map(this::artifact).toList());
    }

    Parameter parameter(Parameter p) {
        ValueFrom vf = p.valueFrom() == null ? null : new ValueFrom(s(p.valueFrom().path()),
                s(p.valueFrom().parameter()), s(p.valueFrom().expression()), s(p.valueFrom().defaultValue()),
                p.valueFrom().supplied());
        return new Parameter(p.name(), s(p.value()), s(p.defaultValue()), p.enumValues(), vf, p.globalName(),
                p.description(), p.displayName(), p.hint(), p.type(), p.options(), p.visibility(), p.required(),
                p.positions());
    }

    Artifact artifact(Artifact a) {
        S3Source s3 = a.s3() == null ? null : new S3Source(s(a.s3().endpoint()), s(a.s3().bucket()),
                s(a.s3().region()), a.s3().insecure(), s(a.s3().key()), a.s3().accessKeySecret(),
                a.s3().secretKeySecret(), a.s3().useSDKCreds());
        GitSource git = a.git() == null ? null : new GitSource(s(a.git().repo()), s(a.git().revision()),
                a.git().depth(), a.git().fetch(), s(a.git().branch()), a.git().singleBranch(),
                a.git().disableSubmodules(), a.git().insecureIgnoreHostKey(), a.git().usernameSecret(),
                a.git().passwordSecret(), a.git().sshPrivateKeySecret());
        RawSource raw = a.raw() == null ? null : new RawSource(s(a.raw().data()));
        HttpSource http = a.http() == null ? null : new HttpSource(s(a.http().url()), map(a.http().headers()));
        // 'from' and 'fromExpression' name artifacts, not text: they are resolved to locations, not substituted.
        return new Artifact(a.name(), s(a.path()), a.from(), a.fromExpression(), a.mode(), a.optional(),
                a.globalName(), s(a.subPath()), a.archive(), s3, git, raw, http, a.positions());
    }

    private Inputs inputs(Inputs i) {
        return new Inputs(i.parameters().stream().map(this::parameter).toList(),
                i.artifacts().stream().map(this::artifact).toList());
    }

    private Outputs outputs(Outputs o) {
        return new Outputs(o.parameters().stream().map(this::parameter).toList(),
                o.artifacts().stream().map(this::artifact).toList());
    }

    private DagSpec dag(DagSpec d) {
        if (d == null) {
            return null;
        }
        return new DagSpec(d.tasks().stream().map(this::task).toList(), s(d.target()), d.failFast(), d.fromSteps(),
                d.positions());
    }

    private ScriptSpec script(ScriptSpec sc) {
        return sc == null ? null : new ScriptSpec(container(sc.container()), s(sc.source()));
    }

    RetryStrategy retry(RetryStrategy r) {
        if (r == null) {
            return null;
        }
        RetryStrategy.Backoff b = r.backoff() == null ? null : new RetryStrategy.Backoff(s(r.backoff().duration()),
                s(r.backoff().factor()), s(r.backoff().maxDuration()));
        return new RetryStrategy(s(r.limit()), s(r.retryPolicy()), b, r.expression());
    }

    private TemplateMetadata metadata(TemplateMetadata m) {
        return new TemplateMetadata(map(m.labels()), map(m.annotations()));
    }

    private List<SidecarContainer> sidecars(List<SidecarContainer> list) {
        return list.stream().map(c -> new SidecarContainer(container(c.container()), c.mirrorVolumeMounts())).toList();
    }

    private Map<String, String> map(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(s(k), s(v)));
        return out;
    }

    private String s(String text) {
        return text == null || !text.contains("{{") ? text : replace.apply(text);
    }

    private Object plain(Object v) {
        if (v instanceof String str) {
            return s(str);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(plain(x)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private <T> T k8s(T object) {
        if (object == null) {
            return null;
        }
        JsonNode tree = JSON.valueToTree(object);
        // Most containers hold no tag after binding; skip turning the tree back into an object then.
        if (!walk(tree)) {
            return object;
        }
        try {
            return (T) JSON.treeToValue(tree, object.getClass());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot substitute variables in " + object.getClass().getSimpleName(), e);
        }
    }

    /**
     * A container: its command, args and env values with the values inserted into them escaped for
     * Kubernetes' expansion ({@link KubernetesExpansion}), every other field as {@link #k8s} does it.
     */
    private Container container(Container c) {
        if (c == null) {
            return null;
        }
        Container others = k8s(new ContainerBuilder(c).withCommand(List.of()).withArgs(List.of())
                .withEnv(c.getEnv().stream().map(e -> new EnvVarBuilder(e).withValue(null).build()).toList()).build());
        List<EnvVar> env = new ArrayList<>();
        for (int i = 0; i < c.getEnv().size(); i++) {
            env.add(new EnvVarBuilder(others.getEnv().get(i)).withValue(expanded(c.getEnv().get(i).getValue()))
                    .build());
        }
        return new ContainerBuilder(others).withCommand(c.getCommand().stream().map(this::expanded).toList())
                .withArgs(c.getArgs().stream().map(this::expanded).toList()).withEnv(env).build();
    }

    private String expanded(String text) {
        return text == null || !text.contains("{{") ? text : replaceExpanded.apply(text);
    }

    private <T> List<T> k8sList(List<T> list) {
        return list.stream().map(this::k8s).toList();
    }

    /** Replaces text values in place; true if any changed. */
    private boolean walk(JsonNode node) {
        boolean changed = false;
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            it.forEachRemaining(entries::add);
            for (Map.Entry<String, JsonNode> e : entries) {
                if (e.getValue().isTextual() && e.getValue().asText().contains("{{")) {
                    o.set(e.getKey(), TextNode.valueOf(replace.apply(e.getValue().asText())));
                    changed = true;
                } else {
                    changed |= walk(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual() && a.get(i).asText().contains("{{")) {
                    a.set(i, TextNode.valueOf(replace.apply(a.get(i).asText())));
                    changed = true;
                } else {
                    changed |= walk(a.get(i));
                }
            }
        }
        return changed;
    }
}
