package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
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
import io.onepanel.workflow.template.SecretKeyRef;
import io.onepanel.workflow.template.SidecarContainer;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.TemplateType;
import io.onepanel.workflow.template.ValueFrom;
import io.onepanel.workflow.template.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders for the resolved records a scheduler hands to a runtime, shaped after the corpus
 * templates (until the loader exists, tests build records directly).
 */
public final class Records {

    private Records() {}

    public static final Positions NOWHERE = Positions.at(SourcePosition.unknown("test.yaml"));

    public static RunInfo run(String workflowName) {
        return new RunInfo(workflowName, "0b3c5e1a-6f2d-4d7e-9a51-3c8f2b7d9e10", "ml",
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    public static Quantity q(String s) {
        return new Quantity(s);
    }

    public static Artifact artifact(String name, String path) {
        return new Artifact(name, path, null, null, null, false, null, null, null, null, null, null, null, NOWHERE);
    }

    public static Artifact s3(String name, String path, String key) {
        return artifact(name, path).withS3(S3Source.key(key));
    }

    public static Artifact s3(String name, String path, String endpoint, String bucket, String key, String secret) {
        return artifact(name, path).withS3(new S3Source(endpoint, bucket, null, null, key,
                new SecretKeyRef(secret, "accessKey"), new SecretKeyRef(secret, "secretKey"), null));
    }

    public static Artifact optional(Artifact a) {
        return new Artifact(a.name(), a.path(), a.from(), a.fromExpression(), a.mode(), true, a.globalName(),
                a.subPath(), a.archive(), a.s3(), a.git(), a.raw(), a.http(), a.positions());
    }

    public static Parameter outputParameter(String name, String path, String defaultValue) {
        return new Parameter(name, null, null, List.of(), new ValueFrom(path, null, null, defaultValue, null), null,
                null, null, null, null, List.of(), null, null, NOWHERE);
    }

    public static PersistentVolumeClaim claimTemplate(String name, String storage) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity(storage)).endResources().endSpec().build();
    }

    /** A mutable builder for {@link Template}. */
    public static final class T {
        public String name = "main";
        public TemplateType type = TemplateType.CONTAINER;
        public List<Parameter> inputParameters = new ArrayList<>();
        public List<Artifact> inputArtifacts = new ArrayList<>();
        public List<Parameter> outputParameters = new ArrayList<>();
        public List<Artifact> outputArtifacts = new ArrayList<>();
        public Container container;
        public ScriptSpec script;
        public String activeDeadlineSeconds;
        public TemplateMetadata metadata = TemplateMetadata.EMPTY;
        public Map<String, String> nodeSelector = new LinkedHashMap<>();
        public List<Toleration> tolerations = new ArrayList<>();
        public Affinity affinity;
        public List<Volume> volumes = new ArrayList<>();
        public List<SidecarContainer> sidecars = new ArrayList<>();
        public List<SidecarContainer> initContainers = new ArrayList<>();
        public String podSpecPatch;
        public String serviceAccountName;
        public PodSecurityContext securityContext;
        public String priorityClassName;

        public static T container(String name, Container c) {
            T t = new T();
            t.name = name;
            t.container = c;
            return t;
        }

        public static T script(String name, Container c, String source) {
            T t = new T();
            t.name = name;
            t.type = TemplateType.SCRIPT;
            t.script = new ScriptSpec(c, source);
            return t;
        }

        public T in(Artifact... artifacts) {
            inputArtifacts.addAll(List.of(artifacts));
            return this;
        }

        public T out(Artifact... artifacts) {
            outputArtifacts.addAll(List.of(artifacts));
            return this;
        }

        public T sidecar(Container c, boolean mirror) {
            sidecars.add(new SidecarContainer(c, mirror));
            return this;
        }

        public Template build() {
            return new Template(name, type, new Inputs(inputParameters, inputArtifacts),
                    new Outputs(outputParameters, outputArtifacts), null, container, script, null, null,
                    activeDeadlineSeconds, null, null, null, null, metadata, nodeSelector, tolerations, affinity,
                    volumes, sidecars, initContainers, podSpecPatch, serviceAccountName, securityContext,
                    priorityClassName, NOWHERE);
        }
    }

    /** A mutable builder for {@link Workflow}. */
    public static final class W {
        public String name = "wf";
        public List<Volume> volumes = new ArrayList<>();
        public List<PersistentVolumeClaim> claims = new ArrayList<>();
        public String volumeClaimGC;
        public Map<String, String> nodeSelector = new LinkedHashMap<>();
        public List<Toleration> tolerations = new ArrayList<>();
        public Affinity affinity;
        public String serviceAccountName;
        public List<LocalObjectReference> imagePullSecrets = new ArrayList<>();
        public PodSecurityContext securityContext;
        public String podSpecPatch;
        public TemplateMetadata podMetadata;

        public Workflow build(Template... templates) {
            Map<String, Template> map = new LinkedHashMap<>();
            for (Template t : templates) {
                map.put(t.name(), t);
            }
            return new Workflow("test.yaml", "", name, null, Map.of(), "main", Arguments.EMPTY, map, null, null,
                    null, volumes, claims, volumeClaimGC, nodeSelector, tolerations, affinity, serviceAccountName,
                    imagePullSecrets, securityContext, null, podSpecPatch, podMetadata, NOWHERE);
        }
    }

    public static TaskRequest request(RunInfo run, String task, Template t, Workflow wf) {
        return new TaskRequest(run, task, PodNames.podName(run.workflowName(), task, 0), 0, t, wf, null);
    }

    public static TaskRequest request(RunInfo run, String task, Template t, Workflow wf, Duration timeout) {
        return new TaskRequest(run, task, PodNames.podName(run.workflowName(), task, 0), 0, t, wf, timeout);
    }
}
