package io.onepanel.workflow.artifact.s3;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.files.LinkFreePath;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.nio.file.Path;
import java.util.Map;

/**
 * One store or fetch in a process of its own, through the same {@link S3ArtifactStore} the command
 * line's runs and a pod's stager use: what the S3 benchmark times from a fresh JVM, start-up and
 * exit included.
 *
 * <pre>
 * java -cp onepanel-workflow.jar io.onepanel.workflow.artifact.s3.ArtifactCopy put DIR_OR_FILE KEY
 * java -cp onepanel-workflow.jar io.onepanel.workflow.artifact.s3.ArtifactCopy get KEY DIR_OR_FILE
 * </pre>
 *
 * The repository comes from ONEPANEL_S3_BUCKET, ONEPANEL_S3_ENDPOINT (a URL) and ONEPANEL_S3_REGION;
 * credentials from the AWS default chain. Prints {@code transferred} when the transfer is done, so a
 * caller can tell how long the process takes to exit after it.
 */
public final class ArtifactCopy {

    private ArtifactCopy() {}

    public static void main(String[] args) {
        if (args.length != 3 || !(args[0].equals("put") || args[0].equals("get"))) {
            System.err.println("usage: ArtifactCopy put PATH KEY | get KEY PATH");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        ArtifactRepository repository = ArtifactRepository.onepanel(env.get("ONEPANEL_S3_BUCKET"));
        if (env.get("ONEPANEL_S3_ENDPOINT") != null) {
            repository = repository.withEndpoint(env.get("ONEPANEL_S3_ENDPOINT"), true);
        }
        if (env.get("ONEPANEL_S3_REGION") != null) {
            repository = repository.withRegion(env.get("ONEPANEL_S3_REGION"));
        }
        int status = 0;
        try (S3ArtifactStore store = new S3ArtifactStore(repository, CredentialsResolver.NONE)) {
            boolean put = args[0].equals("put");
            String key = put ? args[2] : args[1];
            Path path = LinkFreePath.resolvedOnce(Path.of(put ? args[1] : args[2]));
            Artifact artifact = new Artifact("copy", path.toString(), null, null, null, false, null, null, null,
                    S3Source.key(key), null, null, null, null);
            if (put) {
                store.store(artifact, path, TransferListener.NONE);
            } else {
                store.fetch(artifact, path, TransferListener.NONE);
            }
            System.out.println("transferred");
            System.out.flush();
        } catch (ArtifactException e) {
            System.err.println("ArtifactCopy: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }
}
