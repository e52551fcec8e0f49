package io.onepanel.workflow.pod;

import static io.onepanel.workflow.pod.Records.q;
import static io.onepanel.workflow.pod.Records.request;
import static io.onepanel.workflow.pod.Records.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.onepanel.workflow.diagnostics.Diagnostic;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input is reported as problems with a code and a message a user can act on. */
class PodChecksTest {

    private static final PodConfig CONFIG = PodConfig.defaults().withNodePools(PodGoldenTest.AZURE_POOLS);

    private static Records.T echo() {
        return Records.T.container("echo", new ContainerBuilder().withImage("alpine").withCommand("echo", "hi").build());
    }

    private static List<Diagnostic> check(Records.T t) {
        Template template = t.build();
        return new PodChecks(CONFIG).check(template, new Records.W().build(template));
    }

    private static List<String> codes(List<Diagnostic> problems) {
        return problems.stream().map(Diagnostic::code).toList();
    }

    @Test
    void aWellFormedTemplateHasNoProblems() {
        assertThat(check(echo())).isEmpty();
    }

    @Test
    void invalidQuantitiesAreNamedWithTheirField() {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).withNewResources()
                .addToLimits("memory", new Quantity("4GB")).addToRequests("cpu", new Quantity("-1")).endResources()
                .build();
        List<Diagnostic> problems = check(t);
        assertThat(codes(problems)).containsOnly("invalid-quantity");
        assertThat(problems).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .contains("main.resources.limits memory: '4GB' is not a quantity Kubernetes accepts"));
        assertThat(problems).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .contains("main.resources.requests cpu: '-1'"));
    }

    @Test
    void requestsAboveLimitsAreRejected() {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).withNewResources()
                .addToRequests("memory", q("8Gi")).addToLimits("memory", q("4Gi")).endResources().build();
        assertThat(check(t)).extracting(Diagnostic::message)
                .containsExactly("main.resources: requests memory: 8Gi is more than limits memory: 4Gi");
    }

    @Test
    void gpuRequestsWithoutLimitsAreRejected() {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).withNewResources()
                .addToRequests("nvidia.com/gpu", q("1")).endResources().build();
        List<Diagnostic> problems = check(t);
        assertThat(codes(problems)).containsExactly("gpu-limit-missing");
        assertThat(problems.get(0).message()).contains("write limits nvidia.com/gpu: 1");
    }

    @Test
    void gpusMustBeWholeAndRequestsMustEqualLimits() {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).withNewResources()
                .addToRequests("nvidia.com/gpu", q("1")).addToLimits("nvidia.com/gpu", q("2"))
                .addToLimits("amd.com/gpu", q("0.5")).endResources().build();
        PodConfig amd = CONFIG.withGpuResources(List.of(GpuResource.NVIDIA, GpuResource.tainted("amd.com/gpu")));
        Template template = t.build();
        List<Diagnostic> problems = new PodChecks(amd).check(template, new Records.W().build(template));
        assertThat(problems).extracting(Diagnostic::message).containsExactlyInAnyOrder(
                "main.resources: nvidia.com/gpu requests (1) must equal its limits (2)",
                "main.resources.limits amd.com/gpu: 0.5 is not a whole number; GPUs are allocated whole");
    }

    @Test
    void anUnknownNodePoolListsTheKnownOnesAndTheLikelyOne() {
        Records.T t = echo();
        t.nodeSelector.put("beta.kubernetes.io/instance-type", "Standard_NC12");
        List<Diagnostic> problems = check(t);
        assertThat(codes(problems)).containsExactly("unknown-node-pool");
        assertThat(problems.get(0).message()).isEqualTo("nodeSelector beta.kubernetes.io/instance-type: unknown node "
                + "pool 'Standard_NC12'; did you mean 'Standard_NC6'?; known pools: Standard_D4s_v3 (CPU: 4, RAM: "
                + "16GB), Standard_NC6 (GPU: 1xK80, CPU: 6, RAM: 56GB)");
    }

    @Test
    void nodePoolsAreNotJudgedWithoutACatalogueOrBeforeSubstitution() {
        NodePoolCatalogue none = NodePoolCatalogue.NONE;
        assertThat(none.check(Map.of(NodePoolCatalogue.LABEL_KEY, "anything"), null)).isEmpty();
        assertThat(PodGoldenTest.AZURE_POOLS.check(
                Map.of(NodePoolCatalogue.LABEL_KEY, "{{workflow.parameters.sys-node-pool}}"), null)).isEmpty();
    }

    @Test
    void aPoolsLimitsDoNotOverrideWhatTheTemplateWrites() throws Exception {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).withNewResources()
                .addToLimits("nvidia.com/gpu", q("2")).endResources().build();
        t.nodeSelector.put(NodePoolCatalogue.LABEL_KEY, "Standard_NC6");
        Template template = t.build();
        TaskPod pod = new TaskPodTranslator(CONFIG).translate(request(run("wf"), "a", template,
                new Records.W().build(template)));
        var resources = pod.pod().getSpec().getContainers().get(0).getResources();
        assertThat(resources.getLimits()).containsEntry("nvidia.com/gpu", q("2"));
        assertThat(resources.getRequests()).containsEntry("nvidia.com/gpu", q("2"));
    }

    @Test
    void aContainerWithoutCommandIsExplained() {
        Records.T t = echo();
        t.container = new ContainerBuilder().withImage("golang:1.18").build();
        List<Diagnostic> problems = check(t);
        assertThat(codes(problems)).containsExactly("missing-command");
        assertThat(problems.get(0).message()).contains("sh -c").contains("ENTRYPOINT");
    }

    @Test
    void argsWithoutCommandRunBehindTheImagesEntrypointWhenTheImagesFileMapsIt() throws PodSpecException {
        Records.T t = echo();
        t.container = new ContainerBuilder().withImage("onepanel/dl:0.17.0").withArgs("python train.py").build();
        assertThat(codes(check(t))).as("unmapped").containsExactly("missing-command");
        assertThat(check(t).get(0).message()).contains("--images FILE", "\"onepanel/dl:0.17.0\": [program]");
        PodConfig mapped = CONFIG.withImages(new ImageEntrypoints(List.of(
                new ImageEntrypoints.Entry("onepanel/dl:*", List.of("sh", "-c")))));
        Template template = t.build();
        Workflow wf = new Records.W().build(template);

        assertThat(new PodChecks(mapped).check(template, wf)).isEmpty();
        TaskPod pod = new TaskPodTranslator(mapped).translate(request(run("wf"), "a", template, wf));
        assertThat(pod.pod().getSpec().getContainers().get(0).getArgs())
                .as("the gate runs the entrypoint with the args").containsExactly("sh", "-c", "python train.py");
    }

    @Test
    void anImageMappedToNoEntrypointNeedsArgs() {
        Records.T t = echo();
        t.container = new ContainerBuilder().withImage("alpine:3").build();
        PodConfig mapped = CONFIG.withImages(new ImageEntrypoints(List.of(
                new ImageEntrypoints.Entry("alpine*", List.of()))));
        Template template = t.build();

        List<Diagnostic> problems = new PodChecks(mapped).check(template, new Records.W().build(template));

        assertThat(codes(problems)).containsExactly("missing-command");
        assertThat(problems.get(0).message()).contains("there is nothing to run");
    }

    @Test
    void unknownVolumesAndBadPathsAndPatchesAreReported() {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).addNewVolumeMount().withName("workdri").withMountPath("/w")
                .endVolumeMount().build();
        t.volumes.add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("workdir").withNewEmptyDir()
                .endEmptyDir().build());
        t.out(Records.artifact("everything", "/"), Records.artifact("relative", "out/x"));
        t.podSpecPatch = "{\"containers\": [{\"name\": \"main\", \"resourcez\": {}}]}";
        t.activeDeadlineSeconds = "ten";
        List<Diagnostic> problems = check(t);
        assertThat(codes(problems)).containsExactlyInAnyOrder("unknown-volume", "root-path", "relative-path",
                "invalid-pod-spec-patch", "invalid-deadline");
        assertThat(problems).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .contains("volume 'workdri'").contains("did you mean 'workdir'?"));
        assertThat(problems).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .contains("containers[main].resourcez"));
    }

    @Test
    void sidecarsCannotTakeTheContractsNames() {
        Records.T t = echo();
        t.sidecar(new ContainerBuilder().withName("main").withImage("x").build(), false);
        t.sidecar(new ContainerBuilder().withName("Bad_Name").withImage("x").build(), false);
        assertThat(codes(check(t))).containsExactly("reserved-container-name", "invalid-container-name");
    }

    @Test
    void aPodNameTooLongIsRefusedWithItsLength() {
        Template template = echo().build();
        Workflow wf = new Records.W().build(template);
        String name = "a".repeat(64);
        TaskRequest r = new TaskRequest(run("wf"), "a", name, 0, template, wf, null);
        assertThatThrownBy(() -> new TaskPodTranslator(CONFIG).translate(r))
                .isInstanceOf(PodSpecException.class)
                .hasMessageContaining("at most 63 characters (64 given)");
    }

    @Test
    void translationRefusesATemplateWithProblemsAndSaysAllOfThem() {
        Records.T t = echo();
        t.nodeSelector.put(NodePoolCatalogue.LABEL_KEY, "nope");
        t.container = new ContainerBuilder(t.container).withNewResources()
                .addToLimits("cpu", new Quantity("lots")).endResources().build();
        Template template = t.build();
        assertThatThrownBy(() -> new TaskPodTranslator(CONFIG).translate(
                request(run("wf"), "a", template, new Records.W().build(template))))
                .isInstanceOfSatisfying(PodSpecException.class, e -> assertThat(codes(e.problems()))
                        .containsExactlyInAnyOrder("invalid-quantity", "unknown-node-pool"));
    }

    @Test
    void withoutAStagerThePodListsTheMountsAnAgentContainerNeeds() throws Exception {
        Records.T t = echo();
        t.container = new ContainerBuilder(t.container).addNewVolumeMount().withName("data").withMountPath("/mnt/data")
                .withSubPath("train").endVolumeMount().build();
        t.in(Records.s3("data", "/mnt/data/set", "k"), Records.s3("cfg", "/etc/app/cfg.yaml", "c"));
        Records.W w = new Records.W();
        w.claims.add(Records.claimTemplate("data", "1Gi"));
        Template template = t.build();
        TaskPod pod = new TaskPodTranslator(CONFIG.withStager(null))
                .translate(request(run("wf"), "a", template, w.build(template)));

        assertThat(pod.pod().getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("main");
        assertThat(pod.stagerVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getSubPath())
                .containsExactly("onepanel-workflow:/var/run/onepanel-workflow:null",
                        "data:/var/run/onepanel-workflow/mainfs/mnt/data:train");
        assertThat(pod.pod().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("/etc/app/cfg.yaml"));
    }
}
