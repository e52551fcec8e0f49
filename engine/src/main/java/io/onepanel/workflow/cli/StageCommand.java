package io.onepanel.workflow.cli;

import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.RoutingArtifactStore;
import io.onepanel.workflow.pod.Stager;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "stage", hidden = true, mixinStandardHelpOptions = true,
        description = {"Internal: the staging container of a task pod (see docs/pod-contract.md).",
                "Reads its plan from the pod's environment; the artifact repository from ONEPANEL_S3_BUCKET, "
                        + "ONEPANEL_S3_ENDPOINT, ONEPANEL_S3_REGION, ONEPANEL_S3_INSECURE and the AWS default "
                        + "credential chain (presigned plans need no credentials)."})
final class StageCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = System.getenv();
        ArtifactRepository repo = ArtifactRepository.onepanel(env.get("ONEPANEL_S3_BUCKET"));
        String endpoint = env.get("ONEPANEL_S3_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            repo = repo.withEndpoint(endpoint, "true".equalsIgnoreCase(env.get("ONEPANEL_S3_INSECURE")));
        }
        String region = env.get("ONEPANEL_S3_REGION");
        if (region != null && !region.isBlank()) {
            repo = repo.withRegion(region);
        }
        PrintStream log = System.out;
        try (RoutingArtifactStore store = RoutingArtifactStore.s3(repo, new EnvironmentCredentials(env))) {
            return Stager.runInPod(store, env, log);
        }
    }
}
