package io.jenkins.plugins.onepanel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Templates the tests run: the seed examples of the repository and small ones written here. */
public final class Templates {

    private Templates() {}

    /** A file of the repository's {@code examples/} (the Surefire configuration says where it is). */
    public static String example(String name) {
        Path examples = Path.of(System.getProperty("onepanel.examples", "../examples"));
        try {
            return Files.readString(examples.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seeds' diamond: A, then B and C, then D, each echoing its name. */
    public static String diamond() {
        return example("dag-diamond.yaml");
    }

    /** For embedding YAML in a Jenkinsfile string: {@code text: '''...'''}. */
    public static String groovyLiteral(String yaml) {
        return "'''" + yaml.replace("\\", "\\\\").replace("'''", "\\'\\'\\'").replace("$", "\\$") + "'''";
    }

    /** One task that prints {@code started}, then sleeps: for aborts and restarts. */
    public static final String SLEEPER = """
            entrypoint: main
            templates:
            - name: main
              dag:
                tasks:
                - name: sleeper
                  template: sleep
            - name: sleep
              container:
                image: alpine
                command: [sh, -c, "echo started; sleep 120"]
            """;

    /** A task whose output parameter and stdout the next task reads; the output file's path is given. */
    public static String passing(String outputFile) {
        return """
                entrypoint: main
                arguments:
                  parameters:
                  - name: who
                    value: nobody
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: producer
                      template: produce
                    - name: consumer
                      dependencies: [producer]
                      template: consume
                      arguments:
                        parameters:
                        - name: got
                          value: "{{tasks.producer.outputs.parameters.greeting}}"
                - name: produce
                  container:
                    image: alpine
                    command: [sh, -c, "printf 'hello {{workflow.parameters.who}}' > %s; echo produced"]
                  outputs:
                    parameters:
                    - name: greeting
                      valueFrom:
                        path: %s
                - name: consume
                  inputs:
                    parameters:
                    - name: got
                  container:
                    image: alpine
                    command: [echo, "consumer got {{inputs.parameters.got}}"]
                """.formatted(outputFile, outputFile);
    }
}
