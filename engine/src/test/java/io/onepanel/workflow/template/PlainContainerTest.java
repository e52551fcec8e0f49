package io.onepanel.workflow.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.onepanel.workflow.template.yaml.PlainValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A container of texts only is read by hand, and is exactly what the fabric8 model read through
 * Jackson gives; anything else is left to that general way, which reports what is wrong.
 */
class PlainContainerTest {

    private static Object yaml(String text) {
        Node node = new Yaml().compose(new java.io.StringReader(text));
        return PlainValue.of(node);
    }

    private static Container general(Object plain) {
        return Serialization.jsonMapper().convertValue(plain, Container.class);
    }

    @Test
    void aContainerOfTextsIsWhatTheGeneralWayReads() {
        for (String text : List.of(
                "{image: alpine, command: [\"true\"]}",
                "{name: main, image: 'python:3', imagePullPolicy: IfNotPresent, command: [sh, -c],"
                        + " args: ['echo {{inputs.parameters.m}}'], workingDir: /w}",
                "{image: alpine, env: [{name: A, value: a}, {name: B, value: ''}]}",
                "{image: alpine, command: []}")) {
            Object plain = yaml(text);

            assertThat(PlainContainer.of(plain)).as(text).contains(general(plain));
            assertThat(PlainContainer.isPlain(general(plain))).as(text).isTrue();
        }
    }

    @Test
    void anythingElseGoesTheGeneralWay() {
        for (String text : List.of(
                "{image: alpine, resources: {limits: {cpu: 1}}}",
                "{image: alpine, command: echo hi}",
                "{image: alpine, args: [1]}",
                "{image: alpine, workingDir: null}",
                "{image: alpine, env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]}",
                "{image: alpine, imagePullPolicy: [Always]}",
                "{image: alpine, unknownField: x}")) {
            assertThat(PlainContainer.of(yaml(text))).as(text).isEmpty();
        }
        assertThat(PlainContainer.isPlain(general(yaml("{image: alpine, resources: {limits: {cpu: 1}}}")))).isFalse();
        assertThat(PlainContainer.isPlain(general(yaml(
                "{image: alpine, env: [{name: A, valueFrom: {fieldRef: {fieldPath: x}}}]}")))).isFalse();
    }

    @Test
    void itsTextsComeWithTheirPathsInTheGeneralWalksOrder() {
        Container c = PlainContainer.of(yaml("{name: n, image: i, command: [c0, c1], args: [a0],"
                + " env: [{name: E, value: e}], workingDir: w, imagePullPolicy: p}")).orElseThrow();
        List<String> seen = new ArrayList<>();

        PlainContainer.texts(c, (path, text) -> seen.add(path + "=" + text));

        assertThat(seen).containsExactly("args.0=a0", "command.0=c0", "command.1=c1", "env.0.name=E",
                "env.0.value=e", "image=i", "imagePullPolicy=p", "name=n", "workingDir=w");
    }
}
