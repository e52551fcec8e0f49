package io.onepanel.workflow.artifact.presign;

import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.S3Credentials;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.artifact.TestArtifacts;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.TransferSettings;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import io.onepanel.workflow.template.SecretKeyRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The signer holds the administrator's keys: against S3Proxy, it presigns only for the configured
 * repository, and refuses a template's {@code s3:} block that names another bucket, endpoint,
 * region or credentials, unless its owner explicitly allows template locations.
 */
@ExtendWith(S3ProxyServer.Resolver.class)
class SignerScopeTest {

    @TempDir
    Path tmp;

    private S3Client client;
    private S3ArtifactStore store;
    private String endpoint;
    private final String configured = "configured-" + Long.toHexString(System.nanoTime());
    private final String other = "other-" + Long.toHexString(System.nanoTime());

    @BeforeEach
    void setUp(S3ProxyServer server) {
        client = server.client();
        client.createBucket(b -> b.bucket(configured));
        client.createBucket(b -> b.bucket(other));
        client.putObject(p -> p.bucket(configured).key("in/data.txt"), RequestBody.fromString("mine"));
        client.putObject(p -> p.bucket(other).key("in/data.txt"), RequestBody.fromString("not mine"));
        endpoint = server.endpoint().toString();
        ArtifactRepository repository = ArtifactRepository.onepanel(configured)
                .withEndpoint(endpoint, true)
                .withCredentials(new S3Credentials.StaticKeys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .withTransfers(TransferSettings.DEFAULT.withFlexibleChecksums(false)
                        .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50)));
        store = new S3ArtifactStore(repository, CredentialsResolver.NONE);
    }

    @AfterEach
    void tearDown() {
        store.close();
        client.close();
    }

    private static Artifact at(String name, S3Source location) {
        return s3(name, "/in", location);
    }

    @Test
    void theConfiguredRepository_isSigned_whetherNamedOrNot() throws Exception {
        StagingPlanner planner = new StagingPlanner(store, Duration.ofMinutes(5));
        assertThat(planner.allowsTemplateLocations()).isFalse();
        Artifact keyOnly = s3("in", "/in", "in/data.txt");
        Artifact spelledOut = at("in", new S3Source(endpoint, configured, null, null, "in/data.txt", null, null, null));
        try (Stager stager = new Stager(2, 2)) {
            for (Artifact input : List.of(keyOnly, spelledOut)) {
                Path target = tmp.resolve(input.hashCode() + "/data.txt");
                Files.createDirectories(target.getParent());
                stager.fetch(planner.planFetch(input), input, target, TransferListener.NONE);
                assertThat(target).hasContent("mine");
            }
        }
    }

    @Test
    void anotherBucket_isRefused_forInputsAndOutputs_beforeAnythingIsSigned() {
        StagingPlanner planner = new StagingPlanner(store, Duration.ofMinutes(5));
        Artifact input = at("stolen", new S3Source(null, other, null, null, "in/data.txt", null, null, null));
        assertThatThrownBy(() -> planner.planFetch(input))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("artifact 'stolen' names bucket '" + other + "'")
                .hasMessageContaining("only signed for the configured artifact repository (bucket '" + configured + "'")
                .hasMessageNotContaining(S3ProxyServer.SECRET_KEY);
        Artifact output = at("planted", new S3Source(null, other, null, null, "out/x.txt", null, null, null));
        assertThatThrownBy(() -> planner.planStore(output, new Plans.UploadManifest("planted",
                List.of(new Plans.ManifestFile("", 1)), List.of())))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("names bucket '" + other + "'");
        assertThat(client.listObjectsV2(l -> l.bucket(other).prefix("out/")).contents()).isEmpty();
    }

    @Test
    void anotherEndpointRegionOrCredentials_areRefused() {
        StagingPlanner planner = new StagingPlanner(store, Duration.ofMinutes(5));
        S3Source elsewhere = new S3Source("http://169.254.169.254:80", null, null, null, "in/data.txt", null, null, null);
        assertThatThrownBy(() -> planner.planFetch(at("meta", elsewhere)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("names endpoint http://169.254.169.254:80");
        S3Source region = new S3Source(null, null, "eu-west-3", null, "in/data.txt", null, null, null);
        assertThatThrownBy(() -> planner.planFetch(at("far", region)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("names region 'eu-west-3'");
        S3Source sdk = new S3Source(null, null, null, null, "in/data.txt", null, null, true);
        assertThatThrownBy(() -> planner.planFetch(at("sdk", sdk)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("names its own credentials");
        S3Source refs = new S3Source(null, null, null, null, "in/data.txt", new SecretKeyRef("s", "a"),
                new SecretKeyRef("s", "b"), null);
        assertThatThrownBy(() -> planner.planFetch(at("refs", refs)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("names its own credentials");
    }

    @Test
    void templateLocations_areSigned_onlyWhenExplicitlyAllowed() throws Exception {
        StagingPlanner planner = StagingPlanner.allowingTemplateLocations(store, Duration.ofMinutes(5));
        assertThat(planner.allowsTemplateLocations()).isTrue();
        Artifact input = at("other", new S3Source(null, other, null, null, "in/data.txt", null, null, null));
        Path target = tmp.resolve("other/data.txt");
        Files.createDirectories(target.getParent());
        try (Stager stager = new Stager(2, 2)) {
            stager.fetch(planner.planFetch(input), input, target, TransferListener.NONE);
        }
        assertThat(target).hasContent("not mine");
    }

    @Test
    void aConfinedSigner_signsTheJobsKeysAndLocatesOutputsBelowItsPrefix() throws Exception {
        client.putObject(p -> p.bucket(configured).key("team/nightly/in/data.txt"), RequestBody.fromString("ours"));
        StagingPlanner planner = new StagingPlanner(store, Duration.ofMinutes(5)).confinedTo("team/nightly/");
        assertThat(planner.keyPrefix()).isEqualTo("team/nightly");
        Artifact input = s3("in", "/in", "team/nightly/in/data.txt");
        Artifact output = planner.locate(TestArtifacts.output("model", "/out/model.bin"),
                java.util.Map.of("workflow.namespace", "ns", "workflow.name", "wf", "pod.name", "wf-1"));
        assertThat(output.s3().key()).isEqualTo("team/nightly/artifacts/ns/wf/wf-1/model.bin");
        Path model = Files.writeString(tmp.resolve("model.bin"), "weights");
        try (Stager stager = new Stager(2, 2)) {
            Path target = tmp.resolve("in/data.txt");
            Files.createDirectories(target.getParent());
            stager.fetch(planner.planFetch(input), input, target, TransferListener.NONE);
            assertThat(target).hasContent("ours");
            try (Stager.PreparedUpload prepared = stager.prepare(output, model)) {
                Plans.UploadPlan plan = planner.planStore(output, prepared.manifest());
                planner.complete(output, plan, stager.upload(plan, prepared, TransferListener.NONE));
            }
        }
        assertThat(client.listObjectsV2(l -> l.bucket(configured).prefix("team/nightly/artifacts/")).contents())
                .hasSize(1);
    }

    @Test
    void aConfinedSigner_refusesEveryKeyOutsideItsPrefix_beforeAnythingIsSigned() throws Exception {
        StagingPlanner planner = new StagingPlanner(store, Duration.ofMinutes(5)).confinedTo("team/nightly");
        for (String key : List.of("in/data.txt", "team/other/x", "team/nightly-2/x", "team/nightly/../other/x",
                "team//nightly/x", "/team/nightly/x", "team%2Fnightly/x", "team/nightly/./x", "Team/nightly/x")) {
            assertThatThrownBy(() -> planner.planFetch(s3("in", "/in", key))).as(key)
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageStartingWith("artifact 'in': key '" + key + "' is outside 'team/nightly/', the only"
                            + " keys this job may use");
            assertThatThrownBy(() -> planner.planStore(s3("out", "/out", key), new Plans.UploadManifest("out",
                    List.of(new Plans.ManifestFile("", 1)), List.of()))).as(key)
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("is outside 'team/nightly/'");
        }
        assertThatThrownBy(() -> planner.planStore(s3("out", "/out", "team/nightly/out"), new Plans.UploadManifest(
                "out", List.of(new Plans.ManifestFile("../../other/x", 1)), List.of())))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("unsafe key '../../other/x'");
        assertThat(client.listObjectsV2(l -> l.bucket(configured).prefix("team/")).contents()).isEmpty();
        assertThat(client.listMultipartUploads(l -> l.bucket(configured)).uploads()).isEmpty();
        assertThatThrownBy(() -> new StagingPlanner(store, Duration.ofMinutes(5)).confinedTo("../etc"))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("the key prefix '../etc' is not a usable key: has a '..' segment");
    }
}
