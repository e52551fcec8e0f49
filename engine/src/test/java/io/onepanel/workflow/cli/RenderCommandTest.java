package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** render: every task's pod, as YAML that reads back as fabric8 pods. */
class RenderCommandTest {

    @Test
    void theDiamondRendersFourPods() {
        Cli.Outcome o = Cli.run("render", Cli.diamond(), "--name", "diamond");

        assertThat(o.exitCode()).as(o.err()).isZero();
        List<Pod> pods = Arrays.stream(o.out().split("(?m)^---\\s*$")).filter(s -> !s.isBlank())
                .map(doc -> (Pod) Serialization.unmarshal(doc, Pod.class)).toList();
        assertThat(pods).hasSize(4);
        assertThat(pods).allSatisfy(p -> assertThat(p.getSpec().getContainers()).isNotEmpty());
        assertThat(pods.stream().flatMap(p -> p.getSpec().getContainers().stream()).map(c -> c.getImage()))
                .contains("alpine:3.7");
    }
}
