package io.onepanel.workflow.runtime.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Positions;
import io.onepanel.workflow.template.S3Source;
import io.onepanel.workflow.template.ScriptSpec;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import io.onepanel.workflow.template.ValueFrom;
import io.onepanel.workflow.template.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Resolved templates and requests as the scheduler hands them to a runtime. */
final class Tasks {

    static final Positions NOWHERE = Positions.at(SourcePosition.unknown("test.yaml"));

    private Tasks() {}

    static RunInfo run(String uid) {
        return new RunInfo("wf-" + uid, uid, "default", Instant.parse("2024-01-01T00:00:00Z"));
    }

    static ContainerBuilder container(String... command) {
        return new ContainerBuilder().withName("main").withImage("alpine:3.19").withCommand(command);
    }

    static Template container(String name, Container container) {
        return template(name, TemplateType.CONTAINER, container, null, Inputs.EMPTY, Outputs.EMPTY, List.of());
    }

    static Template script(String name, String image, List<String> command, String source) {
        Container container = new ContainerBuilder().withName("main").withImage(image).withCommand(command).build();
        return template(name, TemplateType.SCRIPT, null, new ScriptSpec(container, source), Inputs.EMPTY,
                Outputs.EMPTY, List.of());
    }

    static Template template(String name, TemplateType type, Container container, ScriptSpec script, Inputs inputs,
            Outputs outputs, List<Volume> volumes) {
        return new Template(name, type, inputs, outputs, null, container, script, null, null, null, null, null,
                null, null, null, Map.of(), List.of(), null, volumes, List.of(), List.of(), null, null, null, null,
                NOWHERE);
    }

    static Template withVolumes(Template template, List<Volume> volumes) {
        return new Template(template.name(), template.type(), template.inputs(), template.outputs(), null,
                template.container(), template.script(), null, null, null, null, null, null, null, null, Map.of(),
                List.of(), null, volumes, List.of(), List.of(), null, null, null, null, NOWHERE);
    }

    static Workflow workflow(List<Volume> volumes, List<PersistentVolumeClaim> claims) {
        return new Workflow("test.yaml", "Workflow", "wf", "default", Map.of(), "main", Arguments.EMPTY, Map.of(),
                null, null, null, volumes, claims, null, Map.of(), List.of(), null, null, List.of(), null, null, null,
                null, NOWHERE);
    }

    static Workflow workflow() {
        return workflow(List.of(), List.of());
    }

    static PersistentVolumeClaim claim(String name) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    }

    static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).build();
    }

    /** An artifact in the (fake) default repository under {@code key}. */
    static Artifact artifact(String name, String path, String key, boolean optional) {
        return new Artifact(name, path, null, null, null, optional, null, null, null,
                key == null ? null : S3Source.key(key), null, null, null, NOWHERE);
    }

    static Parameter outputParameter(String name, String path, String defaultValue) {
        return new Parameter(name, null, null, List.of(), new ValueFrom(path, null, null, defaultValue, null), null,
                null, null, null, null, List.of(), null, null, NOWHERE);
    }

    static TaskRequest request(RunInfo run, Template template, Workflow workflow, Duration timeout) {
        return new TaskRequest(run, template.name(), "wf-" + template.name() + "-1234", 0, template, workflow,
                timeout);
    }

    static TaskRequest request(RunInfo run, Template template) {
        return request(run, template, workflow(), Duration.ofMinutes(2));
    }
}
