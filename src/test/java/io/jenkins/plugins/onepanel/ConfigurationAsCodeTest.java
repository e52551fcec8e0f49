package io.jenkins.plugins.onepanel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.misc.junit.jupiter.AbstractRoundTripTest;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Configuration as Code sets everything of the system configuration under
 * {@code unclassified: onepanelWorkflow:}, through the UI check, the UI apply and a restart
 * (configuration-as-code's round trip).
 */
class ConfigurationAsCodeTest extends AbstractRoundTripTest {

    @Override
    protected void assertConfiguredAsExpected(JenkinsRule r, String configContent) {
        OnepanelWorkflowConfiguration config = OnepanelWorkflowConfiguration.get();
        assertEquals("onepanel", config.getNamespace());
        assertEquals("onepanel-artifacts", config.getArtifactRepository().getBucket());
        assertEquals(
                "https://minio.example.com:9000", config.getArtifactRepository().getEndpoint());
        assertTrue(config.getArtifactRepository().isPathStyle());
        assertEquals("s3-keys", config.getCredentialsId());
        assertEquals(2, config.getNodePools().size());
        assertEquals("nvidia.com/gpu=1, cpu=6", config.getNodePools().get(0).getLimits());
        assertEquals("amd.com/gpu", config.getGpuResourceName());
        assertEquals(4, config.getMaxParallelPods());
        assertTrue(config.isAllowHostPath());
        assertEquals(24, config.getPresignedUrlHours());
    }

    @Override
    protected String stringInLogExpected() {
        return "maxParallelPods = 4";
    }
}
