package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `run` checks an S3 artifact repository before the first task starts. */
@ExtendWith(S3ProxyServer.Resolver.class)
class RunCommandS3PreflightTest {

    @TempDir
    Path tmp;

    @Test
    void wrongCredentials_stopTheRunBeforeAnyTask_inOneLine(S3ProxyServer server) throws Exception {
        server.client().createBucket(b -> b.bucket("preflight"));
        Path workflow = Files.writeString(tmp.resolve("touch.yaml"), """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: touch
                      template: touch
                - name: touch
                  container:
                    image: busybox
                    command: [touch, %s]
                """.formatted(tmp.resolve("ran")));
        // the SDK's default chain takes keys from these system properties first
        System.setProperty("aws.accessKeyId", "AKIAWRONGKEY");
        System.setProperty("aws.secretAccessKey", "wrong-secret-value");
        Cli.Outcome outcome;
        try {
            outcome = Cli.run("run", workflow.toString(), "--work", tmp.resolve("work").toString(),
                    "--runs", tmp.resolve("runs").toString(),
                    "--s3-bucket", "preflight", "--s3-endpoint", server.endpoint().toString());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(outcome.err()).isEqualTo("onepanel-workflow: S3 artifact repository s3://preflight at "
                + server.endpoint() + ": access denied (HTTP 403): the credentials are wrong or may not read this "
                + "bucket; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile in use)\n");
        assertThat(outcome.out()).doesNotContain("Running");
        assertThat(tmp.resolve("ran")).doesNotExist();
    }
}
