package io.onepanel.workflow.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where outputs go: Argo's key rules over Onepanel's defaults. */
class ArtifactRepositoryTest {

    private static final Map<String, String> VARS = Map.of("workflow.namespace", "ns", "workflow.name", "wf",
            "pod.name", "wf-123", "workflow.parameters.model-path", "my-data/output");

    private final ArtifactRepository onepanel = ArtifactRepository.onepanel("bucket");

    @Test
    void keyFormat_expandsVariables_withSpacesInsideTheBraces_andRejectsUnknownOnes() {
        assertThat(KeyFormat.expand("a/{{ workflow.name }}/{{pod.name}}", VARS)).isEqualTo("a/wf/wf-123");
        assertThatThrownBy(() -> KeyFormat.expand("a/{{workflow.nam}}", VARS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown variable 'workflow.nam'");
    }

    @Test
    void outputWithoutKey_unarchived_getsThePathsBaseName_asArgosExecutorDoes() {
        Artifact located = onepanel.locate(TestArtifacts.output("output-one", "/tmp/output/"), VARS);
        assertThat(located.s3().key()).isEqualTo("artifacts/ns/wf/wf-123/output");
        assertThat(located.s3().bucket()).isEqualTo("bucket");
        assertThat(located.archive()).isEqualTo(ArchiveStrategy.NONE);
    }

    @Test
    void outputWithoutKey_archived_getsNameDotTgz_andArgosDefaultKeyFormatWorks() {
        ArtifactRepository argo = onepanel.withDefaultArchive(ArchiveStrategy.TAR)
                .withKeyFormat(ArtifactRepository.ARGO_KEY_FORMAT);
        Artifact located = argo.locate(TestArtifacts.output("main-logs", "/tmp/x.log"), VARS);
        assertThat(located.s3().key()).isEqualTo("wf/wf-123/main-logs.tgz");
        assertThat(located.archive()).isEqualTo(ArchiveStrategy.TAR);
    }

    @Test
    void givenKeys_keepTheirBucket_andAreTakenAsTheyAre() {
        // The scheduler substituted the key with its template; text in it now is data, never expanded again.
        Artifact own = TestArtifacts.s3("o", "/o", new S3Source(null, "other", null, null,
                "data/{{=sprig.upper('x')}}", null, null, null));
        Artifact located = onepanel.locate(own, VARS);
        assertThat(located.s3().bucket()).isEqualTo("other");
        assertThat(located.s3().key()).isEqualTo("data/{{=sprig.upper('x')}}");
    }

    @Test
    void endpoints_getASchemeFromInsecure() {
        assertThat(ArtifactRepository.endpointUri("minio:9000", true)).hasToString("http://minio:9000");
        assertThat(ArtifactRepository.endpointUri("storage.googleapis.com", false))
                .hasToString("https://storage.googleapis.com");
        assertThat(ArtifactRepository.endpointUri("http://127.0.0.1:1", false)).hasToString("http://127.0.0.1:1");
        assertThat(ArtifactRepository.endpointUri(null, false)).isNull();
    }

    @Test
    void secretsNeverPrint() {
        ArtifactRepository withKeys = onepanel.withCredentials(new S3Credentials.StaticKeys("AKIAEXAMPLE", "s3cr3t"));
        assertThat(withKeys.toString()).doesNotContain("AKIAEXAMPLE").doesNotContain("s3cr3t");
    }
}
