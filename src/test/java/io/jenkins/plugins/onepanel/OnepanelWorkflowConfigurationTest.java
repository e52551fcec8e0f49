package io.jenkins.plugins.onepanel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Manage Jenkins → System → Onepanel workflows keeps what is saved, through the real form. */
@WithJenkins
class OnepanelWorkflowConfigurationTest {

    @Test
    void defaults(JenkinsRule r) {
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        assertEquals(10, config.getMaxParallelPods());
        assertEquals("nvidia.com/gpu", config.getGpuResourceName());
        assertEquals("node.kubernetes.io/instance-type", config.getNodePoolLabelKey());
        assertFalse(config.isAllowPrivileged());
        assertFalse(config.isAllowHostPath());
        assertNull(config.getArtifactRepository());
    }

    @Test
    void systemConfigurationRoundTrip(JenkinsRule r) throws Exception {
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        config.setNamespace("onepanel");
        ArtifactRepository repository = new ArtifactRepository();
        repository.setBucket("onepanel-artifacts");
        repository.setEndpoint("https://minio.example.com:9000");
        repository.setRegion("us-west-2");
        repository.setPathStyle(true);
        config.setArtifactRepository(repository);
        NodePool v100 = new NodePool("Tesla V100", "Standard_NC6s_v3");
        v100.setLimits("nvidia.com/gpu=1, cpu=6");
        config.setNodePools(List.of(v100, new NodePool("CPU", "Standard_D4s_v3")));
        config.setGpuResourceName("amd.com/gpu");
        config.setGpuTolerationKey("amd.com/gpu");
        config.setGpuTolerationEffect("NoExecute");
        config.setMaxParallelPods(7);
        config.setAllowHostPath(true);

        r.configRoundtrip();

        OnepanelWorkflowConfiguration after = OnepanelWorkflowConfiguration.get();
        assertEquals("onepanel", after.getNamespace());
        assertEquals(repository, after.getArtifactRepository());
        assertEquals(config.getNodePools(), after.getNodePools());
        assertEquals("amd.com/gpu", after.getGpuResourceName());
        assertEquals("NoExecute", after.getGpuTolerationEffect());
        assertEquals(7, after.getMaxParallelPods());
        assertTrue(after.isAllowHostPath());
        assertFalse(after.isAllowPrivileged());
    }

    @Test
    void clearingTheFormClearsTheRepositoryAndPools(JenkinsRule r) throws Exception {
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        ArtifactRepository repository = new ArtifactRepository();
        repository.setBucket("b");
        config.setArtifactRepository(repository);
        r.configRoundtrip();
        assertEquals(repository, OnepanelWorkflowConfiguration.get().getArtifactRepository());

        config.setArtifactRepository(null);
        config.setNodePools(List.of());
        r.configRoundtrip();
        assertNull(OnepanelWorkflowConfiguration.get().getArtifactRepository());
        assertTrue(OnepanelWorkflowConfiguration.get().getNodePools().isEmpty());
    }

    @Test
    void nodePoolLimitsParse(JenkinsRule r) {
        NodePool pool = new NodePool("V100", "Standard_NC6s_v3");
        pool.setLimits("nvidia.com/gpu=1, cpu=6, memory=100Gi");
        assertEquals(3, pool.parsedLimits().size());
        assertEquals("1", pool.parsedLimits().get("nvidia.com/gpu").toString());
    }
}
