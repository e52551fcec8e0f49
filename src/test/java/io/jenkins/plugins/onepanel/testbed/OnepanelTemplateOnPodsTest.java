package io.jenkins.plugins.onepanel.testbed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.not;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import io.jenkins.plugins.onepanel.ArtifactRepository;
import io.jenkins.plugins.onepanel.NodePool;
import io.jenkins.plugins.onepanel.OnepanelWorkflowConfiguration;
import io.jenkins.plugins.onepanel.Templates;
import io.onepanel.workflow.artifact.S3ProxyServer;
import io.onepanel.workflow.testbed.NeedsTestCluster;
import io.onepanel.workflow.testbed.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An Onepanel-shaped template through Jenkins, every task an agent pod whose containers really run:
 * its claims at {@code /mnt/data} and {@code /mnt/output} (Onepanel's stock layout), a git input
 * from a repository of this machine, an S3 output stored in S3Proxy by the agent with presigned URLs,
 * a node pool with {@code nvidia.com/gpu} filled in from Onepanel's install-time placeholders, and
 * {@code workingDir} set on one task and unset on the other.
 */
@WithJenkins
@NeedsTestCluster
class OnepanelTemplateOnPodsTest {

    private static final String BUCKET = "onepanel";

    @TempDir
    Path tmp;

    /** Onepanel's template file layout: metadata and spec, placeholders its installer fills. */
    private static String template(String repository) {
        return """
                metadata:
                  name: "PyTorch Training"
                  kind: Workflow
                  version: 20201221195937
                  action: create
                spec:
                  entrypoint: main
                  arguments:
                    parameters:
                    - name: epochs
                      value: '10'
                    - name: sys-node-pool
                      value: '{{.DefaultNodePoolOption}}'
                      type: select.nodepool
                      visibility: public
                  volumeClaimTemplates:
                  - metadata:
                      name: data
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources:
                        requests:
                          storage: 2Gi
                  - metadata:
                      name: output
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources:
                        requests:
                          storage: 2Gi
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - name: fetch
                        template: fetch
                      - name: train
                        dependencies: [fetch]
                        template: train
                  - name: fetch
                    inputs:
                      artifacts:
                      - name: src
                        path: /mnt/data/src
                        git:
                          repo: %s
                    container:
                      image: alpine:3.12
                      command: [sh, -c]
                      args: ["cp /mnt/data/src/dataset.txt /mnt/data/dataset.txt && pwd > /mnt/data/fetch-pwd && echo fetched"]
                      volumeMounts:
                      - name: data
                        mountPath: /mnt/data
                  - name: train
                    nodeSelector:
                      {{.NodePoolLabel}}: '{{workflow.parameters.sys-node-pool}}'
                    container:
                      image: onepanel/dl:0.17.0
                      command: [sh, -c]
                      args:
                      - |
                        echo "epochs={{workflow.parameters.epochs}} on $NODE_NAME"
                        { cat /mnt/data/dataset.txt; echo "trained in $(pwd) after fetch in $(cat /mnt/data/fetch-pwd)"; } > model.txt
                      workingDir: /mnt/output
                      env:
                      - name: NODE_NAME
                        valueFrom:
                          fieldRef:
                            fieldPath: spec.nodeName
                      volumeMounts:
                      - name: data
                        mountPath: /mnt/data
                      - name: output
                        mountPath: /mnt/output
                    outputs:
                      artifacts:
                      - name: model
                        path: /mnt/output/model.txt
                        s3:
                          key: models/{{workflow.name}}/model.txt
                """.formatted(repository);
    }

    @Test
    void anOnepanelTemplateRunsEndToEndOnAgentPods(JenkinsRule r) throws Exception {
        r.timeout = 900;
        Path repo = Files.createDirectories(tmp.resolve("dataset-repo"));
        try (Git git = Git.init().setDirectory(repo.toFile()).call()) {
            Files.writeString(repo.resolve("dataset.txt"), "images: 60000\n");
            git.add().addFilepattern("dataset.txt").call();
            git.commit().setMessage("the dataset").setAuthor("test", "test@example.com")
                    .setCommitter("test", "test@example.com").call();
        }
        try (S3ProxyServer s3 = S3ProxyServer.transientStore();
                S3Client bucket = s3.client();
                AgentCluster cluster = AgentCluster.start(r, b -> b
                        .node(TestNode.named("cpu-1"))
                        .node(TestNode.named("gpu-1")
                                .withLabel(OnepanelWorkflowConfiguration.DEFAULT_NODE_POOL_LABEL_KEY, "p3.2xlarge")
                                .withCapacity("nvidia.com/gpu", "1")
                                .withTaint("nvidia.com/gpu", null, "NoSchedule")))) {
            bucket.createBucket(c -> c.bucket(BUCKET));
            CredentialsProvider.lookupStores(r.jenkins).iterator().next().addCredentials(
                    com.cloudbees.plugins.credentials.domains.Domain.global(),
                    new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "s3", "S3Proxy",
                            S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
            OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
            ArtifactRepository repository = new ArtifactRepository();
            repository.setBucket(BUCKET);
            repository.setEndpoint(s3.endpoint().toString());
            repository.setRegion("us-east-1");
            repository.setPathStyle(true);
            config.setArtifactRepository(repository);
            config.setCredentialsId("s3");
            NodePool gpu = new NodePool("Tesla V100", "p3.2xlarge");
            gpu.setLimits("nvidia.com/gpu=1");
            config.setNodePools(List.of(gpu));
            // The template's key is models/...: outside the job's own prefix ("train"), so the
            // administrator gives the job's folder that prefix, as a team sharing its models would.
            config.setKeyPrefixRules("train = models");

            WorkflowJob p = r.createProject(WorkflowJob.class, "train");
            p.setDefinition(new CpsFlowDefinition("""
                    node {
                        writeFile file: 'workflows/train.yaml', text: %s
                        def outputs = onepanelWorkflow template: 'workflows/train.yaml',
                                                       parameters: [epochs: '20'],
                                                       cloud: 'kubernetes', namespace: 'onepanel'
                        echo "outputs: ${outputs}"
                    }
                    """.formatted(Templates.groovyLiteral(template("file://" + repo))), true));
            WorkflowRun b = r.buildAndAssertSuccess(p);

            r.assertLogContains("[fetch] fetched", b);
            // Only gpu-1 offers a GPU, and it is tainted: the pool's GPU limit and toleration took it there.
            r.assertLogContains("[train] epochs=20 on gpu-1", b);
            String model = read(bucket, b);
            assertThat(model, containsString("images: 60000")); // the git input, through the data claim
            assertThat(model, containsString("trained in /mnt/output")); // workingDir set: entered by the gate
            assertThat(model, not(containsString("after fetch in /home/jenkins/agent"))); // unset: the image's own
            cluster.awaitNoTaskPods();
            assertThat(cluster.livingContainers(), empty());
            // volumeClaimGC: deleted at the run's end; kubernetes.io/pvc-protection holds each until no pod uses it
            cluster.awaitNoClaims();
            assertThat(cluster.client().persistentVolumeClaims().list().getItems(), empty());
        }
    }

    private static String read(S3Client bucket, WorkflowRun b) {
        String key = bucket.listObjectsV2(l -> l.bucket(BUCKET).prefix("models/")).contents().stream()
                .map(o -> o.key())
                .filter(k -> k.endsWith("/model.txt"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no model was stored; build " + b.getNumber()));
        return bucket.getObject(g -> g.bucket(BUCKET).key(key), ResponseTransformer.toBytes())
                .asString(StandardCharsets.UTF_8);
    }
}
