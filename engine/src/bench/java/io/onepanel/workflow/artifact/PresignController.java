package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.presign.Plans;
import io.onepanel.workflow.artifact.presign.StagingPlanner;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Jenkins controller's half of keyless staging, in the harness's JVM: holds the keys, signs a
 * download plan before the agent starts (as {@code TaskStaging.sign} does before the pod runs),
 * and answers the agent's upload calls (sign, then complete) as the plugin's {@code OutputSigner}.
 */
final class PresignController implements AutoCloseable {

    private final S3ArtifactStore store;
    private final StagingPlanner planner;

    PresignController(ArtifactRepository repository) {
        this.store = new S3ArtifactStore(repository, CredentialsResolver.NONE);
        this.planner = new StagingPlanner(store, Duration.ofHours(1));
    }

    /** Signs {@code key} into {@code planFile} before the agent runs, then reads "transferred". */
    TimedProcess.Conversation download(String key, Path planFile) {
        return new TimedProcess.Conversation() {
            @Override
            public void before() throws Exception {
                Plans.DownloadPlan plan = planner.planFetch(located("in", key));
                Files.writeString(planFile, PresignAgent.encode(plan));
            }

            @Override
            public boolean line(String line, PrintStream stdin) {
                return line.equals("transferred");
            }
        };
    }

    /** Signs the agent's manifest into an upload plan, completes its receipt. */
    TimedProcess.Conversation upload(String key) {
        Artifact output = located("out", key);
        return new TimedProcess.Conversation() {
            private Plans.UploadPlan plan;

            @Override
            public boolean line(String line, PrintStream stdin) throws Exception {
                if (line.startsWith("manifest ")) {
                    Plans.UploadManifest manifest = PresignAgent.decode(line.substring(9), Plans.UploadManifest.class);
                    plan = planner.planStore(output, manifest);
                    stdin.println("plan " + PresignAgent.encode(plan));
                } else if (line.startsWith("receipt ")) {
                    planner.complete(output, plan, PresignAgent.decode(line.substring(8), Plans.UploadReceipt.class));
                    stdin.println("completed");
                }
                return line.equals("transferred");
            }
        };
    }

    private static Artifact located(String name, String key) {
        return new Artifact(name, "/" + name, null, null, null, false, null, null, null, S3Source.key(key), null, null,
                null, null);
    }

    @Override
    public void close() {
        store.close();
    }
}
