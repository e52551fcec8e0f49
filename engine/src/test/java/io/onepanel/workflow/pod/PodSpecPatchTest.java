package io.onepanel.workflow.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

/** Strategic merge as Kubernetes does it for a PodSpec. */
class PodSpecPatchTest {

    private static PodSpec spec() {
        return new PodSpecBuilder()
                .addNewContainer().withName("main").withImage("busybox").withArgs("a", "b")
                .addNewEnv().withName("A").withValue("1").endEnv()
                .addNewVolumeMount().withName("v").withMountPath("/v").endVolumeMount()
                .withNewResources().addToLimits("memory", new Quantity("1Gi")).endResources().endContainer()
                .addNewContainer().withName("stager").withImage("stager").endContainer()
                .addNewToleration().withKey("x").withOperator("Exists").endToleration()
                .addNewVolume().withName("v").withNewEmptyDir().endEmptyDir().endVolume()
                .build();
    }

    @Test
    void containersMergeByNameAndMapsMergeKeyByKey() {
        PodSpec patched = PodSpecPatch.apply(spec(), "{\"containers\":[{\"name\":\"main\",\"resources\":"
                + "{\"limits\":{\"cpu\":\"100m\"}},\"env\":[{\"name\":\"B\",\"value\":\"2\"},{\"name\":\"A\","
                + "\"value\":\"3\"}]}]}");
        Container main = patched.getContainers().get(0);
        assertThat(patched.getContainers()).hasSize(2);
        assertThat(main.getImage()).isEqualTo("busybox");
        assertThat(main.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"))
                .containsEntry("cpu", new Quantity("100m"));
        assertThat(main.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).containsExactly("A=3", "B=2");
    }

    @Test
    void listsWithoutMergeKeyAreReplacedAndNullDeletes() {
        PodSpec patched = PodSpecPatch.apply(spec(), "tolerations:\n- key: gpu\n  operator: Exists\n"
                + "containers:\n- name: main\n  args: [c]\n  resources: null\n");
        assertThat(patched.getTolerations()).extracting(t -> t.getKey()).containsExactly("gpu");
        assertThat(patched.getContainers().get(0).getArgs()).containsExactly("c");
        assertThat(patched.getContainers().get(0).getResources()).isNull();
    }

    @Test
    void newContainersAreAddedAndDirectivesHonoured() {
        PodSpec patched = PodSpecPatch.apply(spec(), "{\"containers\":[{\"name\":\"extra\",\"image\":\"e\"},"
                + "{\"name\":\"stager\",\"$patch\":\"delete\"}],\"volumes\":[{\"name\":\"w\",\"emptyDir\":{}}]}");
        assertThat(patched.getContainers()).extracting(Container::getName).containsExactly("main", "extra");
        assertThat(patched.getVolumes()).extracting(v -> v.getName()).containsExactly("v", "w");
    }

    @Test
    void aPatchThatIsNotAnObjectOfPodSpecFieldsIsRefused() {
        assertThatThrownBy(() -> PodSpecPatch.apply(spec(), "- just a list"))
                .hasMessageContaining("must be an object of pod spec fields");
        assertThatThrownBy(() -> PodSpecPatch.apply(spec(), "{\"containerz\": []}"))
                .hasMessageContaining("fields a pod spec does not have: containerz");
        assertThatThrownBy(() -> PodSpecPatch.apply(spec(), "{\"containers\": ["))
                .hasMessageContaining("neither JSON nor YAML");
    }
}
