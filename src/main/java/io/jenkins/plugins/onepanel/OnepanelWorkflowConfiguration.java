package io.jenkins.plugins.onepanel;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.security.ACL;
import hudson.security.Permission;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.onepanel.run.S3Credentials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins → System → Onepanel workflows: where task pods run, where artifacts live, the node
 * pool catalogue and the limits an administrator puts on every run. Configuration as Code sets it
 * under {@code unclassified: onepanelWorkflow:}.
 */
@Extension
@Symbol("onepanelWorkflow")
public class OnepanelWorkflowConfiguration extends GlobalConfiguration {

    @NonNull
    @Override
    public String getDisplayName() {
        return Messages.OnepanelWorkflowConfiguration_DisplayName();
    }

    public static final int DEFAULT_MAX_PARALLEL_PODS = 10;
    public static final String DEFAULT_GPU_RESOURCE_NAME = "nvidia.com/gpu";
    public static final String DEFAULT_NODE_POOL_LABEL_KEY = "node.kubernetes.io/instance-type";
    public static final String DEFAULT_GPU_TOLERATION_EFFECT = "NoSchedule";
    public static final int DEFAULT_PRESIGNED_URL_HOURS = 12;
    public static final int DEFAULT_AGENT_RECONNECT_MINUTES = 10;
    public static final int DEFAULT_POD_START_MINUTES = 15;
    public static final String DEFAULT_AGENT_USER = "1000";

    private String defaultCloud;
    private String namespace;
    private ArtifactRepository artifactRepository;
    private String credentialsId;
    private int presignedUrlHours = DEFAULT_PRESIGNED_URL_HOURS;
    private List<NodePool> nodePools = new ArrayList<>();
    private String nodePoolLabelKey = DEFAULT_NODE_POOL_LABEL_KEY;
    private String gpuResourceName = DEFAULT_GPU_RESOURCE_NAME;
    private String gpuTolerationKey = DEFAULT_GPU_RESOURCE_NAME;
    private String gpuTolerationEffect = DEFAULT_GPU_TOLERATION_EFFECT;
    private int maxParallelPods = DEFAULT_MAX_PARALLEL_PODS;
    private boolean allowPrivileged;
    private boolean allowHostPath;
    private int agentReconnectMinutes = DEFAULT_AGENT_RECONNECT_MINUTES;
    private int podStartMinutes = DEFAULT_POD_START_MINUTES;
    private String agentUser = DEFAULT_AGENT_USER;
    private String keyPrefixRules;
    private String allowedEndpoints;

    public OnepanelWorkflowConfiguration() {
        load();
    }

    @NonNull
    public static OnepanelWorkflowConfiguration get() {
        return ExtensionList.lookupSingleton(OnepanelWorkflowConfiguration.class);
    }

    /**
     * Overall/Administer, deliberately (the default, written out): this page decides whether task
     * pods may be privileged or mount host paths and which credentials sign for every job, which
     * Overall/Manage must not grant. Every form handler below checks the same permission.
     */
    @NonNull
    @Override
    public Permission getRequiredGlobalConfigPagePermission() {
        return Jenkins.ADMINISTER;
    }

    /**
     * Optional and list-valued fields that are absent from a submitted form must be cleared, so
     * the form is reset before binding (as cloud and tool configurations do). The setters save
     * (for Configuration as Code and scripts, which wrap them in a {@link BulkChange} too); here
     * one bulk change makes a submit one save.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        try (BulkChange bulk = new BulkChange(this)) {
            artifactRepository = null;
            nodePools = new ArrayList<>();
            req.bindJSON(this, json);
            bulk.commit();
        } catch (IOException e) {
            throw new FormException("Could not save the Onepanel workflow configuration: " + e.getMessage(), e, "");
        }
        return true;
    }

    /** The Kubernetes plugin cloud task pods run in when a job names none; empty means the first one. */
    @CheckForNull
    public String getDefaultCloud() {
        return defaultCloud;
    }

    @DataBoundSetter
    public void setDefaultCloud(String defaultCloud) {
        this.defaultCloud = Util.fixEmptyAndTrim(defaultCloud);
        save();
    }

    /** {@code {{workflow.namespace}}} and the namespace of task pods; empty means the cloud's. */
    @CheckForNull
    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = Util.fixEmptyAndTrim(namespace);
        save();
    }

    @CheckForNull
    public ArtifactRepository getArtifactRepository() {
        return artifactRepository;
    }

    @DataBoundSetter
    public void setArtifactRepository(ArtifactRepository artifactRepository) {
        this.artifactRepository = artifactRepository;
        save();
    }

    /** AWS or username/password credentials for {@link #getArtifactRepository()}; empty means the AWS default chain. */
    @CheckForNull
    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
        save();
    }

    /** How long the URLs that the controller signs for a task's pod stay valid. */
    public int getPresignedUrlHours() {
        return presignedUrlHours;
    }

    @DataBoundSetter
    public void setPresignedUrlHours(int presignedUrlHours) {
        this.presignedUrlHours = Math.max(1, Math.min(presignedUrlHours, 7 * 24));
        save();
    }

    @NonNull
    public List<NodePool> getNodePools() {
        return nodePools == null ? List.of() : List.copyOf(nodePools);
    }

    @DataBoundSetter
    public void setNodePools(List<NodePool> nodePools) {
        this.nodePools = nodePools == null ? new ArrayList<>() : new ArrayList<>(nodePools);
        save();
    }

    @NonNull
    public String getNodePoolLabelKey() {
        return nodePoolLabelKey == null ? DEFAULT_NODE_POOL_LABEL_KEY : nodePoolLabelKey;
    }

    @DataBoundSetter
    public void setNodePoolLabelKey(String nodePoolLabelKey) {
        this.nodePoolLabelKey = Util.fixEmptyAndTrim(nodePoolLabelKey);
        save();
    }

    @NonNull
    public String getGpuResourceName() {
        return gpuResourceName == null ? DEFAULT_GPU_RESOURCE_NAME : gpuResourceName;
    }

    @DataBoundSetter
    public void setGpuResourceName(String gpuResourceName) {
        this.gpuResourceName = Util.fixEmptyAndTrim(gpuResourceName);
        save();
    }

    /** The taint key GPU nodes carry; a task asking for GPUs tolerates it (operator Exists). */
    @NonNull
    public String getGpuTolerationKey() {
        return gpuTolerationKey == null ? getGpuResourceName() : gpuTolerationKey;
    }

    @DataBoundSetter
    public void setGpuTolerationKey(String gpuTolerationKey) {
        this.gpuTolerationKey = Util.fixEmptyAndTrim(gpuTolerationKey);
        save();
    }

    @NonNull
    public String getGpuTolerationEffect() {
        return gpuTolerationEffect == null ? DEFAULT_GPU_TOLERATION_EFFECT : gpuTolerationEffect;
    }

    @DataBoundSetter
    public void setGpuTolerationEffect(String gpuTolerationEffect) {
        this.gpuTolerationEffect = Util.fixEmptyAndTrim(gpuTolerationEffect);
        save();
    }

    /** At most this many task pods of one run exist at a time, whatever a job asks for. */
    public int getMaxParallelPods() {
        return maxParallelPods;
    }

    @DataBoundSetter
    public void setMaxParallelPods(int maxParallelPods) {
        this.maxParallelPods = Math.max(1, maxParallelPods);
        save();
    }

    public boolean isAllowPrivileged() {
        return allowPrivileged;
    }

    @DataBoundSetter
    public void setAllowPrivileged(boolean allowPrivileged) {
        this.allowPrivileged = allowPrivileged;
        save();
    }

    public boolean isAllowHostPath() {
        return allowHostPath;
    }

    @DataBoundSetter
    public void setAllowHostPath(boolean allowHostPath) {
        this.allowHostPath = allowHostPath;
        save();
    }

    /**
     * How long a task's agent may be disconnected (the task's container goes on meanwhile) before
     * the attempt is an Error. A controller restart counts too.
     */
    public int getAgentReconnectMinutes() {
        return agentReconnectMinutes;
    }

    @DataBoundSetter
    public void setAgentReconnectMinutes(int agentReconnectMinutes) {
        this.agentReconnectMinutes = Math.max(1, agentReconnectMinutes);
        save();
    }

    @NonNull
    public Duration agentReconnectTimeout() {
        return Duration.ofMinutes(agentReconnectMinutes);
    }

    /**
     * How long a task's pod may take to start (be scheduled, mount its volumes, pull its images)
     * before the attempt ends as an Error with the reason the pod's conditions and events give; a
     * step's own {@code podStartMinutes} may only be shorter.
     */
    public int getPodStartMinutes() {
        return podStartMinutes;
    }

    @DataBoundSetter
    public void setPodStartMinutes(int podStartMinutes) {
        this.podStartMinutes = Math.max(1, podStartMinutes);
        save();
    }

    @NonNull
    public Duration podStartTimeout() {
        return Duration.ofMinutes(podStartMinutes);
    }

    /**
     * The uid (and gid, and the pod's {@code fsGroup}) the agent container runs as, so that it can
     * write the inputs into the task's volumes: {@value #DEFAULT_AGENT_USER}, the user of the
     * {@code jenkins/inbound-agent} image, by default; empty to leave the image's own user and the
     * volumes' ownership alone (an agent image of your own, or volumes the agent can already write).
     */
    @CheckForNull
    public String getAgentUser() {
        return agentUser;
    }

    @DataBoundSetter
    public void setAgentUser(String agentUser) {
        this.agentUser = Util.fixEmptyAndTrim(agentUser);
        save();
    }

    /** {@link #getAgentUser()} as a number, or null for the image's own user. */
    @CheckForNull
    public Long agentUid() {
        if (agentUser == null) {
            return null;
        }
        try {
            return Long.parseLong(agentUser);
        } catch (NumberFormatException e) {
            return null; // refused by the form check; a hand-edited file falls back to the image's user
        }
    }

    /**
     * Folders whose jobs share a key prefix, one {@code FOLDER = PREFIX} per line; every other job's
     * keys are confined to its full name (see {@link io.jenkins.plugins.onepanel.run.KeyPrefixes}).
     */
    @CheckForNull
    public String getKeyPrefixRules() {
        return keyPrefixRules;
    }

    @DataBoundSetter
    public void setKeyPrefixRules(String keyPrefixRules) {
        this.keyPrefixRules = Util.fixEmptyAndTrim(keyPrefixRules);
        save();
    }

    @NonNull
    public io.jenkins.plugins.onepanel.run.KeyPrefixes keyPrefixes() {
        return io.jenkins.plugins.onepanel.run.KeyPrefixes.parse(keyPrefixRules);
    }

    /** S3 endpoints a job's artifactRepository may name besides this page's own, one per line. */
    @CheckForNull
    public String getAllowedEndpoints() {
        return allowedEndpoints;
    }

    @DataBoundSetter
    public void setAllowedEndpoints(String allowedEndpoints) {
        this.allowedEndpoints = Util.fixEmptyAndTrim(allowedEndpoints);
        save();
    }

    @NonNull
    public io.jenkins.plugins.onepanel.run.EndpointAllowList endpointAllowList() {
        return io.jenkins.plugins.onepanel.run.EndpointAllowList.parse(allowedEndpoints);
    }

    // ---- form handlers: all need Overall/Administer, the permission that opens this page ----

    @POST
    public ListBoxModel doFillDefaultCloudItems() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        ListBoxModel items = new ListBoxModel();
        items.add(Messages.Configuration_FirstCloud(), "");
        Jenkins.get().clouds.getAll(KubernetesCloud.class).forEach(cloud -> items.add(cloud.name));
        return items;
    }

    /** The system's global credentials (the administrator's repository is used as the system). */
    @POST
    public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        StandardListBoxModel items = new StandardListBoxModel();
        items.includeEmptyValue()
                .includeMatchingAs(
                        ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, List.of(), S3Credentials.MATCHER)
                .includeCurrentValue(Util.fixNull(credentialsId));
        return items;
    }

    @POST
    public ListBoxModel doFillGpuTolerationEffectItems() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        ListBoxModel items = new ListBoxModel();
        items.add("NoSchedule");
        items.add("PreferNoSchedule");
        items.add("NoExecute");
        return items;
    }

    @POST
    public FormValidation doCheckNamespace(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String ns = Util.fixEmptyAndTrim(value);
        if (ns != null && (ns.length() > 63 || !ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"))) {
            return FormValidation.error(Messages.Configuration_NamespaceInvalid());
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckMaxParallelPods(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return FormValidation.validatePositiveInteger(value);
    }

    @POST
    public FormValidation doCheckPresignedUrlHours(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        FormValidation positive = FormValidation.validatePositiveInteger(value);
        if (positive.kind != FormValidation.Kind.OK) {
            return positive;
        }
        if (Integer.parseInt(value.trim()) > 7 * 24) {
            return FormValidation.error(Messages.Configuration_PresignedTooLong());
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckCredentialsId(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (Util.fixEmptyAndTrim(value) == null) {
            return FormValidation.ok(Messages.Configuration_NoCredentials());
        }
        return S3Credentials.existsForController(value)
                ? FormValidation.ok()
                : FormValidation.error(Messages.Configuration_CredentialsNotFound());
    }

    @POST
    public FormValidation doCheckKeyPrefixRules(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        List<String> problems = io.jenkins.plugins.onepanel.run.KeyPrefixes.problems(value);
        return problems.isEmpty() ? FormValidation.ok() : FormValidation.error(String.join("; ", problems));
    }

    @POST
    public FormValidation doCheckAllowedEndpoints(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        List<String> problems = io.jenkins.plugins.onepanel.run.EndpointAllowList.problems(value);
        return problems.isEmpty() ? FormValidation.ok() : FormValidation.error(String.join("; ", problems));
    }

    @POST
    public FormValidation doCheckAgentUser(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String v = Util.fixEmptyAndTrim(value);
        if (v == null) {
            return FormValidation.ok();
        }
        try {
            if (Long.parseLong(v) >= 0) {
                return FormValidation.ok();
            }
        } catch (NumberFormatException e) {
            // below
        }
        return FormValidation.error(Messages.Configuration_AgentUserInvalid());
    }
}
