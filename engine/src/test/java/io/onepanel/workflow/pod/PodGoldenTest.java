package io.onepanel.workflow.pod;

import static io.onepanel.workflow.pod.Records.claimTemplate;
import static io.onepanel.workflow.pod.Records.optional;
import static io.onepanel.workflow.pod.Records.q;
import static io.onepanel.workflow.pod.Records.request;
import static io.onepanel.workflow.pod.Records.run;
import static io.onepanel.workflow.pod.Records.s3;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateMetadata;
import io.onepanel.workflow.template.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Given a resolved task shaped like a seed example or a corpus template, its pod is exactly the
 * golden YAML, contains nothing the API server rejects, and survives a round trip through the
 * fabric8 model.
 */
class PodGoldenTest {

    /** A catalogue like Onepanel's on Azure: a CPU pool and a one-GPU pool. */
    static final NodePoolCatalogue AZURE_POOLS = NodePoolCatalogue.of(List.of(
            NodePool.of("Standard_D4s_v3", "CPU: 4, RAM: 16GB", Map.of()),
            NodePool.of("Standard_NC6", "GPU: 1xK80, CPU: 6, RAM: 56GB", Map.of("nvidia.com/gpu", "1"))));

    static final PodConfig CONFIG = PodConfig.defaults().withNodePools(AZURE_POOLS);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("dag-diamond-echo.yaml", diamondEcho()),
                Arguments.of("inputs-outputs.yaml", inputsOutputs()),
                Arguments.of("pytorch-mnist-gpu-pool.yaml", pytorchMnist()),
                Arguments.of("tf-object-detection-cpu-pool.yaml", tfObjectDetection()),
                Arguments.of("pod-spec-patch-wf-tmpl.yaml", podSpecPatch()),
                Arguments.of("placement-volumes-init-metadata.yaml", placement()),
                Arguments.of("output-parameter-timeout.yaml", outputParameter()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void podMatchesGoldenAndRoundTrips(String golden, TaskRequest request) throws Exception {
        TaskPod taskPod = new TaskPodTranslator(CONFIG).translate(request);
        String yaml = PodRenderer.render(taskPod);

        Golden.assertMatches(golden, yaml);

        Pod back = Serialization.unmarshal(PodRenderer.render(taskPod.pod()), Pod.class);
        assertThat(back).isEqualTo(taskPod.pod());
        for (PersistentVolumeClaim claim : taskPod.claims()) {
            assertThat(Serialization.unmarshal(PodRenderer.render(claim), PersistentVolumeClaim.class))
                    .isEqualTo(claim);
        }
        assertThat(yaml).doesNotContain(": null").doesNotContainPattern("(?m): \\[\\]$");
        assertThat(yaml.lines().filter(l -> l.endsWith("{}")).map(String::strip))
                .allMatch(l -> l.replaceFirst("^- ", "").equals("emptyDir: {}"));
        assertThat(taskPod.name()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        taskPod.pod().getMetadata().getLabels().values()
                .forEach(v -> assertThat(PodNames.isLabelValue(v)).as(v).isTrue());
    }

    /** Onepanel's DAG diamond: task B runs the echo template. */
    static TaskRequest diamondEcho() {
        Template echo = Records.T.container("echo", new ContainerBuilder().withImage("alpine:3.7")
                .withCommand("echo", "B").build()).build();
        Workflow wf = new Records.W().build(echo);
        return request(run("dag-diamond-x7k2p"), "B", echo, wf);
    }

    /** Onepanel's inputs/outputs example, outputs located as the scheduler hands them over. */
    static TaskRequest inputsOutputs() {
        Template t = Records.T.container("input-output", new ContainerBuilder().withImage("bash")
                        .withCommand("bash", "-c")
                        .withArgs("printenv \\\n&& ls /tmp/input \\\n  && mkdir -p /tmp/output \\\n"
                                + "  && echo \"hello\" > /tmp/output/message.txt \\\n  && sleep 15\n")
                        .build())
                .in(s3("input", "/tmp/input/", "my-data/input"))
                .out(s3("output-one", "/tmp/output", "artifacts/ml/inputs-outputs-q8z/inputs-outputs-q8z-input-output/output-one"),
                        s3("output-two", "/tmp/output", "my-data/output"),
                        s3("output-three", "/tmp/output", "storage.googleapis.com", "my-data-bucket",
                                "my-data/output", "my-s3-credentials"))
                .build();
        Workflow wf = new Records.W().build(t);
        return request(run("inputs-outputs-q8z"), "input-output", t, wf);
    }

    /** onepanel/templates pytorch-mnist-training: script, claims, tensorboard sidecar, GPU pool. */
    static TaskRequest pytorchMnist() {
        Records.T t = Records.T.script("train-model", new ContainerBuilder().withImage("onepanel/dl:0.17.0")
                .withCommand("python", "-u")
                .addNewVolumeMount().withName("data").withMountPath("/mnt/data").endVolumeMount()
                .addNewVolumeMount().withName("output").withMountPath("/mnt/output").endVolumeMount()
                .build(), "import torch\nprint('epochs', 10)\n");
        t.out(optional(s3("output", "/mnt/output", "artifacts/ml/pytorch-mnist-4wq/train-model/output")));
        t.nodeSelector.put("beta.kubernetes.io/instance-type", "Standard_NC6");
        t.sidecar(new ContainerBuilder().withName("tensorboard").withImage("onepanel/dl:0.17.0")
                .withCommand("sh", "-c").addNewEnv().withName("ONEPANEL_INTERACTIVE_SIDECAR").withValue("true").endEnv()
                .withArgs("tensorboard --logdir /mnt/output/tensorboard")
                .addNewPort().withContainerPort(6006).withName("tensorboard").endPort().build(), true);
        Template template = t.build();
        Records.W w = new Records.W();
        w.claims.add(claimTemplate("data", "2Gi"));
        w.claims.add(claimTemplate("output", "2Gi"));
        return request(run("pytorch-mnist-4wq"), "train-model", template, w.build(template));
    }

    /** onepanel/templates tf-object-detection-training, task train-model: git inputs, CPU pool. */
    static TaskRequest tfObjectDetection() {
        Records.T t = Records.T.container("tensorflow", new ContainerBuilder()
                .withImage("tensorflow/tensorflow:1.13.1-py3")
                .withCommand("sh", "-c")
                .withArgs("cd /mnt/src/train/workflows/tf-object-detection-training && python main.py "
                        + "--model=\"frcnn-res50-coco\" --num_classes=\"10\"\n")
                .withWorkingDir("/mnt/src")
                .addNewVolumeMount().withName("processed-data").withMountPath("/mnt/data").endVolumeMount()
                .addNewVolumeMount().withName("output").withMountPath("/mnt/output").endVolumeMount()
                .build());
        t.nodeSelector.put("node.kubernetes.io/instance-type", "Standard_D4s_v3");
        t.in(s3("data", "/mnt/data/datasets/", "artifacts/ml/tfod-9ks/preprocessing/processed-data"),
                git("src", "/mnt/src/tf", "https://github.com/tensorflow/models.git", "v1.13.0"),
                git("tsrc", "/mnt/src/train", "https://github.com/onepanelio/templates.git", "v0.18.0"));
        t.inputArtifacts.add(optional(Records.artifact("models", "/mnt/data/models/")));
        t.out(optional(s3("model", "/mnt/output", "artifacts/ml/tfod-9ks/train-model/model")));
        Template template = t.build();
        Records.W w = new Records.W();
        w.claims.add(claimTemplate("data", "200Gi"));
        w.claims.add(claimTemplate("processed-data", "200Gi"));
        w.claims.add(claimTemplate("output", "200Gi"));
        return request(run("tf-object-detection-9ks"), "train-model", template, w.build(template));
    }

    /** argo examples/pod-spec-patch-wf-tmpl.yaml: the workflow's YAML patch, then the template's JSON one. */
    static TaskRequest podSpecPatch() {
        Records.T t = Records.T.container("hello-world", new ContainerBuilder().withImage("busybox")
                .withCommand("echo").withArgs("hello world").build());
        t.podSpecPatch = "{\"containers\":[{\"name\":\"main\", \"resources\":{\"limits\":{\"cpu\": \"100m\" }}}]}";
        Template template = t.build();
        Records.W w = new Records.W();
        w.podSpecPatch = "containers:\n  - name: main\n    resources:\n      limits:\n        memory: \"100Mi\"\n";
        return request(run("pod-spec-patch-2bq"), "hello-world", template, w.build(template));
    }

    /**
     * Resources, tolerations, affinity, security context, an init container mirroring mounts
     * (argo init-container.yaml), workflow volumes, pod metadata (pod-metadata.yaml).
     */
    static TaskRequest placement() {
        Records.T t = Records.T.container("print-message", new ContainerBuilder().withImage("alpine:3.23")
                .withCommand("echo", "bye")
                .withNewResources().addToRequests("cpu", q("500m")).addToRequests("memory", q("1Gi"))
                .addToLimits("cpu", q("2")).addToLimits("memory", q("4Gi")).endResources()
                .addNewVolumeMount().withName("foo").withMountPath("/foo").endVolumeMount()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .build());
        t.initContainers.add(new io.onepanel.workflow.template.SidecarContainer(new ContainerBuilder()
                .withName("hello").withImage("alpine:3.23").withCommand("echo", "hello").build(), true));
        t.tolerations.add(new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("ml")
                .withEffect("NoSchedule").build());
        t.metadata = new TemplateMetadata(Map.of("app", "print-message", "tier", "demo"),
                Map.of("iam.amazonaws.com/role", "role-arn"));
        t.activeDeadlineSeconds = "600";
        Template template = t.build();
        Records.W w = new Records.W();
        w.volumes.add(new VolumeBuilder().withName("foo").withNewEmptyDir().endEmptyDir().build());
        w.volumes.add(new VolumeBuilder().withName("unused").withNewEmptyDir().endEmptyDir().build());
        w.tolerations.add(new TolerationBuilder().withKey("ignored").withOperator("Exists").build());
        w.nodeSelector.put("kubernetes.io/arch", "amd64");
        w.affinity = new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm().addNewMatchExpression().withKey("topology.kubernetes.io/zone")
                .withOperator("In").withValues("eu-west-1a").endMatchExpression().endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
        w.serviceAccountName = "workflow-runner";
        w.imagePullSecrets.add(new LocalObjectReference("regcred"));
        w.securityContext = new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(8737L).build();
        w.podMetadata = new TemplateMetadata(Map.of("team", "vision", "tier", "overridden"), Map.of());
        return request(run("steps-8xk"), "hello1", template, w.build(template));
    }

    /** argo output-parameter.yaml: a file outside any volume, and a task timeout. */
    static TaskRequest outputParameter() {
        Records.T t = Records.T.container("whalesay", new ContainerBuilder().withImage("busybox")
                .withCommand("sh", "-c").withArgs("echo -n hello world > /tmp/hello_world.txt").build());
        t.outputParameters.add(Records.outputParameter("hello-param", "/tmp/hello_world.txt", null));
        Template template = t.build();
        Workflow wf = new Records.W().build(template);
        return request(run("output-parameter-v6d"), "generate-parameter", template, wf, Duration.ofMinutes(5));
    }

    static Artifact git(String name, String path, String repo, String revision) {
        Artifact a = Records.artifact(name, path);
        return new Artifact(a.name(), a.path(), null, null, null, false, null, null, null, null,
                new GitSource(repo, revision, null, List.of(), null, false, false, false, null, null, null), null,
                null, a.positions());
    }
}
