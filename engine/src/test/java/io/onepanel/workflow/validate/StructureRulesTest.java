package io.onepanel.workflow.validate;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The workflow's shape, checked before anything runs: each rule, the template that breaks it, and
 * the one diagnostic (line:column: severity: message) a user gets.
 */
class StructureRulesTest {

    @Test
    void aTaskNamingAnUnknownTemplateIsToldTheClosestName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: ech0
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("7:17: error: template 'ech0' not found; did you mean 'echo'?");
    }

    @Test
    void anUnknownEntrypointIsToldTheClosestName() {
        assertThat(findings("""
                entrypoint: mian
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("1:13: error: entrypoint template 'mian' not found; did you mean 'main'?");
    }

    @Test
    void aDependencyOnAnUnknownTaskPointsAtThatDependency() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: build, template: echo}
                    - name: test
                      template: echo
                      dependencies: [build, biuld, deploy]
                - name: echo
                  container: {image: alpine}
                """)).containsExactly(
                "9:29: error: task 'test' depends on 'biuld', which is not a task of template 'main'; did you mean 'build'?",
                "9:36: error: task 'test' depends on 'deploy', which is not a task of template 'main'");
    }

    @Test
    void anUnknownTaskInDependsPointsAtItsColumn() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: build, template: echo}
                    - name: test
                      template: echo
                      depends: "build.Succeeded && biuld"
                - name: echo
                  container: {image: alpine}
                """)).containsExactly(
                "9:36: error: task 'test' depends on 'biuld', which is not a task of template 'main'; did you mean 'build'?");
    }

    @Test
    void aCycleIsNamedInTheOrderTheTasksWouldRun() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo, dependencies: [c]}
                    - {name: b, template: echo, dependencies: [a]}
                    - {name: c, template: echo, dependencies: [b]}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("6:48: error: dependency cycle: a -> b -> c -> a");
    }

    @Test
    void aCycleThroughDependsPointsAtTheOperand() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo, depends: "x.Succeeded || b"}
                    - {name: b, template: echo, depends: a}
                    - {name: x, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("6:58: error: dependency cycle: a -> b -> a");
    }

    @Test
    void anUnknownTargetPointsAtThatName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    target: build tset
                    tasks:
                    - {name: build, template: echo}
                    - {name: test, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("5:19: error: target 'tset' is not a task of template 'main'; did you mean 'test'?");
    }

    @Test
    void aTaskThatDependsOnItselfIsACycle() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo, depends: a}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("6:42: error: task 'a' depends on itself");
    }

    @Test
    void duplicateTaskNamesPointAtTheSecondAndNameTheFirst() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("7:14: error: task 'a' appears twice in template 'main'; first at wf.yaml:6:14");
    }

    @Test
    void duplicateTemplateNamesPointAtTheSecondAndNameTheFirst() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                - name: echo
                  container: {image: busybox}
                """)).containsExactly("9:9: error: template 'echo' is defined twice; first at wf.yaml:7:9");
    }

    @Test
    void dependsAndDependenciesOnOneTaskIsAnError() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                    - name: b
                      template: echo
                      depends: a
                      dependencies: [a]
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("9:16: error: task 'b' has both 'depends' and 'dependencies'; use one"
                + " ('depends' can say everything 'dependencies' can)");
    }

    @Test
    void aStepsEntrypointIsRejectedWithTheDagToWriteInstead() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  steps:
                  - - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("1:13: error: entrypoint 'main' is a steps template; Onepanel workflows start"
                + " with a DAG: write it as 'dag: tasks:' with dependencies");
    }

    @Test
    void aResourceTemplateIsRejectedByName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: make-pvc}
                - name: make-pvc
                  resource:
                    action: create
                    manifest: "kind: ConfigMap"
                """)).containsExactly("9:5: error: template 'make-pvc' is a resource template, which"
                + " onepanel-workflow does not support; supported: dag, container, script, suspend (and steps below a DAG)");
    }

    @Test
    void anHttpTemplateIsRejectedByName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: call}
                - name: call
                  http: {url: "https://example.com"}
                """)).containsExactly("8:9: error: template 'call' is a http template, which onepanel-workflow does"
                + " not support; supported: dag, container, script, suspend (and steps below a DAG)");
    }

    @Test
    void aContainerSetTemplateIsRejectedByName() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: group}
                - name: group
                  containerSet:
                    containers:
                    - {name: one, image: alpine}
                """)).containsExactly("9:5: error: template 'group' is a containerSet template, which"
                + " onepanel-workflow does not support; supported: dag, container, script, suspend (and steps below a DAG)");
    }

    @Test
    void anExitHandlerMustBeADag() {
        assertThat(findings("""
                entrypoint: main
                onExit: notify
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: notify}
                - name: notify
                  container: {image: alpine}
                """)).containsExactly("2:9: error: onExit template 'notify' is a container template; Onepanel"
                + " requires the exit handler to be a DAG");
    }

    @Test
    void anUnknownExitHandlerIsToldTheClosestName() {
        assertThat(findings("""
                entrypoint: main
                onExit: notfy
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: a, template: echo}
                - name: echo
                  container: {image: alpine}
                - name: notify
                  dag:
                    tasks:
                    - {name: n, template: echo}
                """)).containsExactly("2:9: error: onExit template 'notfy' not found; did you mean 'notify'?");
    }
}
