package io.onepanel.workflow.template;

import static io.onepanel.workflow.validate.Validation.findings;
import static io.onepanel.workflow.validate.Validation.load;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;

/**
 * Argo fields this tool does not run get one policy: implemented where that is possible
 * ({@code templateDefaults}); an error where running without them would change the outcome (an
 * artifact in a store this tool cannot reach, a workflow-wide retry); a warning only where ignoring
 * them is harmless ({@code metrics}, {@code artifactGC}, {@code memoize}).
 */
class FieldPolicyTest {

    private static final String WITH_DEFAULTS = """
            entrypoint: main
            templateDefaults:
              timeout: 10m
              retryStrategy: {limit: 2}
              container:
                image: alpine:3.20
                env:
                - {name: MODE, value: default}
                - {name: LEVEL, value: info}
            templates:
            - name: main
              dag: {tasks: [{name: a, template: plain}, {name: b, template: own}]}
            - name: plain
              container: {command: [env]}
            - name: own
              timeout: 1m
              container:
                image: python:3.12
                env:
                - {name: MODE, value: mine}
            - name: scripted
              script: {image: alpine, source: "echo hi"}
            """;

    @Test
    void templateDefaultsAreMergedIntoEveryTemplateAndTheTemplateWins() {
        Workflow w = load(WITH_DEFAULTS).workflow();

        Template plain = w.templates().get("plain");
        assertThat(plain.timeout()).isEqualTo("10m");
        assertThat(plain.retryStrategy().limit()).isEqualTo("2");
        assertThat(plain.container().getImage()).isEqualTo("alpine:3.20");
        assertThat(plain.container().getCommand()).containsExactly("env");
        assertThat(plain.container().getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("MODE", "default"),
                        org.assertj.core.groups.Tuple.tuple("LEVEL", "info"));

        Template own = w.templates().get("own");
        assertThat(own.timeout()).isEqualTo("1m");
        assertThat(own.container().getImage()).isEqualTo("python:3.12");
        assertThat(own.container().getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("MODE", "mine"),
                        org.assertj.core.groups.Tuple.tuple("LEVEL", "info"));
    }

    @Test
    void aDefaultContainerIsNotGivenToTemplatesOfAnotherType() {
        LoadResultView r = new LoadResultView(WITH_DEFAULTS);

        assertThat(r.findings).isEmpty();
        assertThat(r.workflow.templates().get("main").container()).isNull();
        assertThat(r.workflow.templates().get("main").retryStrategy().limit()).isEqualTo("2");
        assertThat(r.workflow.templates().get("scripted").container()).isNull();
        assertThat(r.workflow.templates().get("scripted").script().container().getImage()).isEqualTo("alpine");
    }

    @Test
    void aProblemInADefaultIsReportedWhereTheDefaultIsWritten() {
        assertThat(findings(WITH_DEFAULTS.replace("timeout: 10m", "timeout: ten minutes")))
                .isNotEmpty().allMatch(f -> f.startsWith("3:12: error: timeout of template '"))
                .contains("3:12: error: timeout of template 'plain': 'ten minutes' is not a duration; expected a"
                        + " number of seconds or text such as 30s, 5m, 1h30m")
                .noneMatch(f -> f.contains("'own'")); // its own timeout wins
    }

    @Test
    void anArtifactInAStoreThisToolCannotReachIsAnError() {
        assertThat(findings("""
                entrypoint: main
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: make}]}
                - name: make
                  container: {image: alpine, command: [touch, /tmp/out]}
                  outputs:
                    artifacts:
                    - name: out
                      path: /tmp/out
                      plugin: {name: my-store, configuration: "key: out"}
                    - name: copy
                      path: /tmp/out
                      gcs: {bucket: b, key: out}
                """)).containsExactly(
                "11:7: error: artifact 'out' is kept in an artifact plugin's store, which onepanel-workflow cannot"
                        + " reach (it has S3 and the local directory); left as it is, the artifact would go to the"
                        + " default store instead: give it an s3: location (or none, for the default repository)",
                "14:7: error: artifact 'copy' is kept in gcs store, which onepanel-workflow cannot reach (it has S3"
                        + " and the local directory); left as it is, the artifact would go to the default store"
                        + " instead: give it an s3: location (or none, for the default repository)");
    }

    @Test
    void anArtifactRepositoryRefIsAnError() {
        assertThat(findings("""
                entrypoint: main
                artifactRepositoryRef: {configMap: repos, key: team}
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: echo}]}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("2:1: error: artifactRepositoryRef names an artifact repository configured in the"
                + " cluster, which onepanel-workflow cannot read; left as it is, artifacts would go to the default"
                + " repository instead: remove it and give the repository on the command line (--s3-bucket,"
                + " --s3-endpoint) or in the Jenkins step");
    }

    @Test
    void aWorkflowWideRetryStrategyIsAnErrorThatPointsAtTemplateDefaults() {
        assertThat(findings("""
                entrypoint: main
                retryStrategy: {limit: 3}
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: echo}]}
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("2:1: error: a workflow-wide retryStrategy is not supported, and running without"
                + " it would retry nothing: put it in templateDefaults (or on the templates that should retry)");
    }

    @Test
    void metricsArtifactGcAndMemoizeAreWarningsBecauseTheRunIsTheSameWithout() {
        assertThat(findings("""
                entrypoint: main
                metrics: {prometheus: []}
                artifactGC: {strategy: OnWorkflowDeletion}
                templates:
                - name: main
                  dag: {tasks: [{name: a, template: echo}]}
                - name: echo
                  memoize: {key: k, cache: {configMap: {name: c}}}
                  metrics: {prometheus: []}
                  container: {image: alpine}
                """)).allMatch(f -> f.contains(": warning: ")).hasSize(4);
    }

    /** A load's workflow and findings together. */
    private static final class LoadResultView {
        final Workflow workflow;
        final java.util.List<String> findings;

        LoadResultView(String yaml) {
            this.workflow = load(yaml).workflow();
            this.findings = findings(yaml);
        }
    }
}
