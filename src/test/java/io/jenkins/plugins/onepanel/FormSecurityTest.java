package io.jenkins.plugins.onepanel;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Form handlers answer POST only, check the permission of the form they belong to before they read
 * anything, and no page or handler ever shows a secret.
 *
 * <p>Handlers are {@code @POST} (Stapler's {@code HttpVerbInterceptor}): a GET finds no handler and is
 * answered 404, not 405 as {@code @RequirePOST} would; the page never issues one, so nothing needs the
 * friendlier page. What matters is that a GET never reaches the handler.
 */
@WithJenkins
class FormSecurityTest {

    private static final String CONFIG = "descriptorByName/" + OnepanelWorkflowConfiguration.class.getName() + "/";
    private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";

    private JenkinsRule r;
    private FreeStyleProject job;

    @BeforeEach
    void setUp(JenkinsRule r) throws Exception {
        this.r = r;
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        job = r.createFreeStyleProject("job");
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER)
                .everywhere()
                .to("admin")
                .grant(Jenkins.READ, Item.READ)
                .everywhere()
                .to("reader")
                .grant(Jenkins.READ, Jenkins.MANAGE, Item.READ)
                .everywhere()
                .to("manager")
                .grant(Jenkins.READ, Item.READ, Item.CONFIGURE)
                .everywhere()
                .to("developer"));
        SystemCredentialsProvider.getInstance()
                .getCredentials()
                .add(new UsernamePasswordCredentialsImpl(
                        CredentialsScope.GLOBAL, "s3-keys", "MinIO keys", "AKIAEXAMPLE", SECRET));
        OnepanelWorkflowConfiguration.get().setCredentialsId("s3-keys");
    }

    private int post(String user, String path) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login(user);
        WebRequest request = new WebRequest(wc.createCrumbedUrl(path), HttpMethod.POST);
        return wc.getPage(request).getWebResponse().getStatusCode();
    }

    private int get(String user, String path) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login(user);
        return wc.goTo(path, null).getWebResponse().getStatusCode();
    }

    @Test
    void globalHandlersNeedPostAndAdminister() throws Exception {
        for (String handler : new String[] {
            "checkNamespace?value=ns",
            "checkMaxParallelPods?value=3",
            "checkCredentialsId?value=s3-keys",
            "fillGpuTolerationEffectItems",
            "fillDefaultCloudItems",
            "fillCredentialsIdItems"
        }) {
            assertEquals(404, get("admin", CONFIG + handler), handler + " by GET");
            assertEquals(403, post("reader", CONFIG + handler), handler + " without Overall/Administer");
            assertEquals(403, post("manager", CONFIG + handler), handler + " with Overall/Manage only");
            assertEquals(200, post("admin", CONFIG + handler), handler + " by an administrator");
        }
    }

    @Test
    void theSystemConfigurationNeedsAdminister() throws Exception {
        assertEquals(Jenkins.ADMINISTER, OnepanelWorkflowConfiguration.get().getRequiredGlobalConfigPagePermission());
    }

    @Test
    void credentialListsShowIdsToThoseWhoMayConfigureOnly() throws Exception {
        String fill = "job/job/descriptorByName/" + OnepanelWorkflowBuilder.class.getName() + "/fillCredentialsIdItems";
        JenkinsRule.WebClient wc = r.createWebClient();
        wc.login("developer");
        WebResponse developer = wc.getPage(new WebRequest(wc.createCrumbedUrl(fill), HttpMethod.POST))
                .getWebResponse();
        // System credentials, listed as the job's builds would see them (its authentication), not as the user:
        assertThat(developer.getContentAsString(), containsString("s3-keys"));
        assertThat(developer.getContentAsString(), containsString("MinIO keys"));
        assertThat(developer.getContentAsString(), not(containsString(SECRET)));

        JenkinsRule.WebClient readerClient = r.createWebClient();
        readerClient.login("reader");
        WebResponse reader = readerClient
                .getPage(new WebRequest(readerClient.createCrumbedUrl(fill), HttpMethod.POST))
                .getWebResponse();
        assertThat(reader.getContentAsString(), not(containsString("s3-keys")));
    }

    /**
     * The Kubernetes plugin lists clouds and templates only for Overall/Manage; a job's configurer
     * (Job/Configure) must still be able to choose them, and a reader sees none.
     */
    @Test
    void cloudAndTemplateListsServeWhoeverMayConfigureTheJob() throws Exception {
        org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud cloud =
                new org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud("gpu-cluster");
        org.csanchez.jenkins.plugins.kubernetes.PodTemplate shared = new org.csanchez.jenkins.plugins.kubernetes.PodTemplate();
        shared.setName("pull-secrets");
        cloud.addTemplate(shared);
        r.jenkins.clouds.add(cloud);
        String base = "job/job/descriptorByName/" + io.jenkins.plugins.onepanel.pipeline.OnepanelWorkflowStep.class.getName();
        for (String[] fill : new String[][] {{"/fillCloudItems", "gpu-cluster"}, {"/fillInheritFromItems?cloud=gpu-cluster",
                "pull-secrets"}}) {
            JenkinsRule.WebClient developer = r.createWebClient();
            developer.login("developer");
            assertThat(fill[0], developer.getPage(new WebRequest(developer.createCrumbedUrl(base + fill[0]),
                    HttpMethod.POST)).getWebResponse().getContentAsString(), containsString(fill[1]));
            JenkinsRule.WebClient reader = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
            reader.login("reader");
            assertThat(fill[0], reader.getPage(new WebRequest(reader.createCrumbedUrl(base + fill[0]),
                    HttpMethod.POST)).getWebResponse().getContentAsString(), not(containsString(fill[1])));
        }
    }

    @Test
    void validateButtonNeedsConfigurePermission() throws Exception {
        String validate = "job/job/descriptorByName/" + OnepanelWorkflowBuilder.class.getName()
                + "/validateTemplate?text=entrypoint:%20x";
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("reader");
        WebResponse reader = wc.getPage(new WebRequest(wc.createCrumbedUrl(validate), HttpMethod.POST))
                .getWebResponse();
        assertThat(reader.getContentAsString(), not(containsString("entrypoint")));
        assertEquals(404, get("developer", validate));
    }

    /** The pages render the credentials field with its value (so they do reach it), never the secret. */
    @Test
    void noPageShowsTheSecret() throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient();
        wc.login("admin");
        String system = wc.goTo("manage/configure").getWebResponse().getContentAsString();
        assertThat(system, containsString("s3-keys"));
        assertThat(system, not(containsString(SECRET)));
        OnepanelWorkflowBuilder step = new OnepanelWorkflowBuilder();
        step.setCredentialsId("s3-keys");
        job.getBuildersList().add(step);
        String configure = wc.getPage(job, "configure").getWebResponse().getContentAsString();
        assertThat(configure, containsString("s3-keys"));
        assertThat(configure, not(containsString(SECRET)));
        String listed = wc.getPage(
                        new WebRequest(wc.createCrumbedUrl(CONFIG + "fillCredentialsIdItems"), HttpMethod.POST))
                .getWebResponse()
                .getContentAsString();
        assertThat(listed, containsString("MinIO keys"));
        assertThat(listed, not(containsString(SECRET)));
    }
}
