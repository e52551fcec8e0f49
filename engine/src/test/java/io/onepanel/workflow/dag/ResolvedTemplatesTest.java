package io.onepanel.workflow.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.engine.Runs;
import io.onepanel.workflow.template.Template;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A template is substituted once per distinct set of values its tags read, and what comes back is
 * always what substituting it anew would give.
 */
class ResolvedTemplatesTest {

    private static Template template(String name) {
        return Runs.load("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: cache}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: a, template: echo, arguments: {parameters: [{name: m, value: x}]}}
                      - {name: b, template: plain}
                      - {name: c, template: expression}
                  - name: echo
                    inputs: {parameters: [{name: m}]}
                    container: {image: alpine, command: [echo, "{{inputs.parameters.m}} on {{workflow.name}}"]}
                  - name: plain
                    container: {image: alpine, command: ["true"]}
                  - name: expression
                    container: {image: alpine, command: [echo, "{{=inputs.parameters.m}}"]}
                """).workflow().template(name).orElseThrow();
    }

    private static Vars vars(String m, String workflow) {
        return Vars.of(Map.of("inputs.parameters.m", m, "workflow.name", workflow, "pod.name", "pod-" + m));
    }

    private static String argument(Template t) {
        return t.mainContainer().getCommand().get(1);
    }

    @Test
    void theSameValuesGiveTheSameTemplateWithoutSubstitutingAgain() {
        ResolvedTemplates resolved = new ResolvedTemplates();
        Template echo = template("echo");

        Template first = resolved.resolve(echo, vars("hi", "w"), "test");
        Template second = resolved.resolve(echo, vars("hi", "w"), "test");

        assertThat(argument(first)).isEqualTo("hi on w");
        assertThat(second).isSameAs(first);
        assertThat(resolved.substitutions()).isEqualTo(1);
    }

    @Test
    void anotherValueOfAVariableItReadsIsSubstitutedAnew() {
        ResolvedTemplates resolved = new ResolvedTemplates();
        Template echo = template("echo");

        resolved.resolve(echo, vars("hi", "w"), "test");
        Template other = resolved.resolve(echo, vars("ho", "w"), "test");
        Template renamed = resolved.resolve(echo, vars("hi", "v"), "test");

        assertThat(argument(other)).isEqualTo("ho on w");
        assertThat(argument(renamed)).isEqualTo("hi on v");
        assertThat(resolved.substitutions()).isEqualTo(3);
    }

    @Test
    void variablesItDoesNotReadDoNotMatter() {
        ResolvedTemplates resolved = new ResolvedTemplates();
        Template plain = template("plain");

        for (String m : new String[] {"1", "2", "3"}) {
            assertThat(resolved.resolve(plain, vars(m, "w" + m), "test").mainContainer().getCommand())
                    .containsExactly("true");
        }
        assertThat(resolved.substitutions()).isEqualTo(1);
    }

    @Test
    void anExpressionReadsEverythingSoItIsNeverKept() {
        ResolvedTemplates resolved = new ResolvedTemplates();
        Template expression = template("expression");

        assertThat(argument(resolved.resolve(expression, vars("hi", "w"), "test"))).isEqualTo("hi");
        assertThat(argument(resolved.resolve(expression, vars("hi", "w"), "test"))).isEqualTo("hi");
        assertThat(resolved.substitutions()).isEqualTo(2);
    }
}
