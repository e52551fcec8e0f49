package io.onepanel.workflow.artifact;

import static io.onepanel.workflow.artifact.TestArtifacts.git;
import static io.onepanel.workflow.artifact.TestArtifacts.http;
import static io.onepanel.workflow.artifact.TestArtifacts.optional;
import static io.onepanel.workflow.artifact.TestArtifacts.raw;
import static io.onepanel.workflow.artifact.TestArtifacts.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.HttpSource;
import io.onepanel.workflow.template.SecretKeyRef;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store runtimes get: each artifact goes to where it lives (repository, git, raw, http). */
class RoutingArtifactStoreTest {

    @TempDir
    Path tmp;

    private RoutingArtifactStore store;
    private HttpServer server;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(tmp.resolve("repo/artifacts"));
        CredentialsResolver secrets = new CredentialsResolver() {
            @Override
            public software.amazon.awssdk.auth.credentials.AwsCredentialsProvider awsCredentials(SecretKeyRef a,
                    SecretKeyRef s) throws ArtifactException {
                throw new ArtifactException("not used");
            }

            @Override
            public String secret(SecretKeyRef ref) {
                return ref.key().equals("username") ? "robot" : "token-123";
            }
        };
        store = RoutingArtifactStore.local(tmp.resolve("repo"), ArtifactRepository.onepanel("artifacts"), secrets);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/model.bin", exchange -> {
            boolean authorized = "Bearer secret-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authorized ? "model bytes" : "no").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        store.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void gitInput_isClonedFromABareRepository_atTheRevision() throws Exception {
        Path work = tmp.resolve("work");
        RevCommit first;
        try (Git repo = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("train.py"), "print('v1')\n");
            repo.add().addFilepattern(".").call();
            first = repo.commit().setMessage("v1").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
                    .call();
            Files.writeString(work.resolve("train.py"), "print('v2')\n");
            repo.commit().setAll(true).setMessage("v2").setAuthor("t", "t@example.com")
                    .setCommitter("t", "t@example.com").call();
        }
        Path bare = tmp.resolve("origin.git");
        Git.cloneRepository().setBare(true).setURI(work.toUri().toString()).setDirectory(bare.toFile()).call().close();
        String repoUrl = bare.toUri().toString();

        Path atRevision = tmp.resolve("task/src");
        store.fetch(git("src", "/src", new GitSource(repoUrl, first.name(), null, List.of(), null, false, false, false,
                null, null, null)), atRevision, TransferListener.NONE);
        assertThat(atRevision.resolve("train.py")).hasContent("print('v1')");

        Path tip = tmp.resolve("task/tip");
        store.fetch(git("src", "/tip", new GitSource(repoUrl, null, 1, List.of(), "main", true, false, false,
                new SecretKeyRef("git", "username"), new SecretKeyRef("git", "password"), null)), tip,
                TransferListener.NONE);
        assertThat(tip.resolve("train.py")).hasContent("print('v2')");

        assertThatThrownBy(() -> store.fetch(git("src", "/x", new GitSource(repoUrl, "no-such-revision", null,
                List.of(), null, false, false, false, null, null, null)), tmp.resolve("task/x"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("revision 'no-such-revision' not found");
        assertThat(tmp.resolve("task/x")).doesNotExist();
    }

    @Test
    void rawInput_isWrittenToThePath() throws Exception {
        Path target = tmp.resolve("task/config.yaml");
        store.fetch(raw("config", "/config.yaml", "epochs: 3\n"), target, TransferListener.NONE);
        assertThat(target).hasContent("epochs: 3");
    }

    @Test
    void httpInput_isStreamedWithItsHeaders_andFailuresHideTheHeaders() throws Exception {
        Path target = tmp.resolve("task/model.bin");
        TestArtifacts.Recorder progress = new TestArtifacts.Recorder();
        store.fetch(http("model", "/model.bin", new HttpSource(url("/model.bin"),
                Map.of("Authorization", "Bearer secret-token"))), target, progress);
        assertThat(target).hasContent("model bytes");
        assertThat(progress.last()).isEqualTo(new TransferProgress("model", 11, 11, 1, 1));

        assertThatThrownBy(() -> store.fetch(http("model", "/m", new HttpSource(url("/model.bin?sig=abc"),
                Map.of("Authorization", "Bearer wrong-token"))), tmp.resolve("task/denied"), TransferListener.NONE))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("wrong-token")
                .hasMessageNotContaining("sig=abc");
        assertThat(tmp.resolve("task/denied")).doesNotExist();

        store.fetch(optional(http("maybe", "/m", new HttpSource(url("/absent"), Map.of()))), tmp.resolve("task/maybe"),
                TransferListener.NONE);
        assertThat(tmp.resolve("task/maybe")).doesNotExist();
    }

    @Test
    void keyOnlyArtifacts_goToTheDefaultRepository_andInputsWithoutLocationFail() throws Exception {
        Path out = Files.writeString(Files.createDirectories(tmp.resolve("out")).resolve("m.txt"), "m");
        store.store(store.locate(s3("m", "/out/m.txt", "k/m.txt"), Map.of()), out, TransferListener.NONE);
        assertThat(tmp.resolve("repo/artifacts/k/m.txt")).hasContent("m");
        assertThatThrownBy(() -> store.store(raw("r", "/r", "x"), out, TransferListener.NONE))
                .hasMessageContaining("can only be read");
        assertThatThrownBy(() -> store.fetch(s3("lost", "/lost", (String) null), tmp.resolve("lost"),
                TransferListener.NONE)).hasMessageContaining("has no location");
    }
}
