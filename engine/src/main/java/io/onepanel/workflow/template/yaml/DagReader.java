package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.template.ContinueOn;
import io.onepanel.workflow.template.DagSpec;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.Sequence;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code dag:} templates, and {@code steps:} templates into the same shape: a group of steps
 * runs after the whole previous group, which is a DAG whose tasks depend on the previous group.
 */
final class DagReader {

    private static final Set<String> TASK_FIELDS = Set.of("name", "template", "templateRef", "inline", "dependencies",
            "depends", "when", "arguments", "withItems", "withParam", "withSequence", "continueOn", "onExit", "hooks");
    private static final Set<String> TASK_IGNORED = Set.of();

    private final IoReader io = new IoReader();
    private final TemplateReader templates;

    DagReader(TemplateReader templates) {
        this.templates = templates;
    }

    DagSpec dag(YamlMap dag, String owner, Consumer<Template> inlineTemplates) {
        List<DagTask> tasks = new ArrayList<>();
        for (YamlMap t : dag.mapList("tasks")) {
            tasks.add(task(t, owner, List.of(), inlineTemplates));
        }
        if (!dag.has("tasks")) {
            dag.diagnostics().error(dag.position(), "missing-field", "the dag of template '" + owner + "' has no 'tasks'");
        }
        DagSpec spec = new DagSpec(tasks, dag.text("target"), dag.bool("failFast"), false, dag.positions());
        dag.reportUnread("the dag of template '" + owner + "'", Set.of("tasks", "target", "failFast"), Set.of());
        return spec;
    }

    DagSpec steps(YamlMap template, Node stepsNode, String owner, Consumer<Template> inlineTemplates) {
        List<DagTask> tasks = new ArrayList<>();
        List<String> previousGroup = List.of();
        if (!(stepsNode instanceof SequenceNode groups)) {
            template.diagnostics().error(YamlSource.position(template.file(), stepsNode), "wrong-type",
                    "'steps' must be a list of groups (lists of steps)");
            return new DagSpec(List.of(), null, null, true, Positions.at(YamlSource.position(template.file(), stepsNode)));
        }
        for (Node groupNode : groups.getValue()) {
            List<Node> group = groupNode instanceof SequenceNode seq ? seq.getValue() : List.of(groupNode);
            List<String> names = new ArrayList<>();
            List<String> before = previousGroup;
            for (Node stepNode : group) {
                YamlMap.of(template.source(), stepNode, template.diagnostics(), "a step").ifPresent(step -> {
                    DagTask task = task(step, owner, before, inlineTemplates);
                    tasks.add(task);
                    names.add(task.name());
                });
            }
            previousGroup = names;
        }
        return new DagSpec(tasks, null, null, true, Positions.at(YamlSource.position(template.file(), stepsNode)));
    }

    private DagTask task(YamlMap t, String owner, List<String> stepGroupBefore, Consumer<Template> inlineTemplates) {
        String name = t.text("name");
        if (name == null) {
            t.diagnostics().error(t.position(), "missing-field", "a task of template '" + owner + "' has no 'name'");
            name = "";
        }
        String template = t.text("template");
        if (t.has("inline")) {
            String inlineName = owner + "." + name;
            t.map("inline").ifPresent(m -> inlineTemplates.accept(templates.template(m, inlineName)));
            template = inlineName;
        }
        TemplateRef ref = t.map("templateRef").map(m -> {
            TemplateRef r = new TemplateRef(m.text("name"), m.text("template"), Boolean.TRUE.equals(m.bool("clusterScope")));
            m.reportUnread("templateRef", Set.of("name", "template", "clusterScope"), Set.of());
            return r;
        }).orElse(null);
        List<String> dependencies = new ArrayList<>(stepGroupBefore);
        dependencies.addAll(t.textList("dependencies"));
        List<Object> withItems = null;
        if (t.has("withItems")) {
            Node items = t.node("withItems").orElseThrow();
            if (items instanceof SequenceNode seq) {
                withItems = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    withItems.add(PlainValue.of(item));
                }
            } else {
                t.diagnostics().error(YamlSource.position(t.file(), items), "wrong-type",
                        "'withItems' of task '" + name + "' must be a list");
            }
        }
        Sequence sequence = t.map("withSequence").map(m -> {
            Sequence s = new Sequence(m.text("count"), m.text("start"), m.text("end"), m.text("format"));
            m.reportUnread("withSequence", Set.of("count", "start", "end", "format"), Set.of());
            return s;
        }).orElse(null);
        ContinueOn continueOn = t.map("continueOn").map(m -> {
            ContinueOn c = new ContinueOn(Boolean.TRUE.equals(m.bool("error")), Boolean.TRUE.equals(m.bool("failed")));
            m.reportUnread("continueOn", Set.of("error", "failed"), Set.of());
            return c;
        }).orElse(ContinueOn.NEVER);
        DagTask task = new DagTask(name, template, ref, dependencies, t.text("depends"), t.text("when"),
                io.arguments(t, "arguments"), withItems, t.text("withParam"), sequence, continueOn, t.text("onExit"),
                t.positionsWithNested("withItems", "withSequence", "templateRef", "dependencies"),
                new HookReader().hooks(t, "task '" + name + "'"));
        t.reportUnread("task '" + name + "'", TASK_FIELDS, TASK_IGNORED);
        return task;
    }
}
