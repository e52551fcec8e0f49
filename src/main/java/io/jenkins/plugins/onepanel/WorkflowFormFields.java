package io.jenkins.plugins.onepanel;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.ExtensionList;
import hudson.FilePath;
import hudson.Util;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.onepanel.run.AdminLimits;
import io.jenkins.plugins.onepanel.run.S3Credentials;
import io.jenkins.plugins.onepanel.run.WorkflowSource;
import io.onepanel.workflow.diagnostics.Diagnostic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.csanchez.jenkins.plugins.kubernetes.pipeline.PodTemplateStep;
import org.springframework.security.core.Authentication;

/**
 * The form handlers the Pipeline step and the freestyle build step share. Each checks the
 * permission the form needs (Job/Configure on the job, or Overall/Administer outside one) before
 * it reads anything; the descriptors mark the web methods {@code @POST}.
 */
public final class WorkflowFormFields {

    private WorkflowFormFields() {}

    /** Whether the user may configure {@code item}, or administer Jenkins when there is no item (Snippet Generator outside a job). */
    public static boolean canConfigure(@CheckForNull Item item) {
        return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER) : item.hasPermission(Item.CONFIGURE);
    }

    /**
     * The Kubernetes clouds a build of {@code item} may use, for anyone who may configure it: the
     * Kubernetes plugin's own list needs Overall/Manage, which a job's configurer rarely has, and
     * a cloud's name and its templates' names are what that user must choose between. A cloud whose
     * use is restricted to folders is listed only inside a folder that allows it.
     */
    public static ListBoxModel cloudItems(@CheckForNull Item item) {
        ListBoxModel items = new ListBoxModel();
        items.add(Messages.Form_SystemCloud(), "");
        if (!canConfigure(item)) {
            return items;
        }
        java.util.Set<String> allowed = new java.util.HashSet<>();
        if (item != null) {
            org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty.collectAllowedClouds(allowed, item.getParent());
        }
        for (KubernetesCloud cloud : Jenkins.get().clouds.getAll(KubernetesCloud.class)) {
            if (!cloud.isUsageRestricted() || allowed.contains(cloud.name)) {
                items.add(cloud.name);
            }
        }
        return items;
    }

    /**
     * No inheritance first (the step's default, so an untouched form keeps it), then the pod
     * templates of the chosen cloud, then the Kubernetes plugin's "default inheritance", which is not
     * the default here.
     */
    public static ListBoxModel inheritFromItems(@CheckForNull Item item, String cloud) {
        ListBoxModel items = new ListBoxModel();
        items.add(Messages.Form_NoInheritance(), "");
        if (!canConfigure(item)) {
            return items;
        }
        String name = Util.fixEmpty(cloud);
        hudson.slaves.Cloud chosen = name == null
                ? Jenkins.get().clouds.get(KubernetesCloud.class)
                : Jenkins.get().getCloud(name);
        if (chosen instanceof KubernetesCloud kubernetes
                && cloudItems(item).stream().anyMatch(o -> o.value.equals(kubernetes.name))) {
            for (org.csanchez.jenkins.plugins.kubernetes.PodTemplate template : kubernetes.getTemplates()) {
                if (template.getName() != null && !template.getName().isBlank()) {
                    items.add(template.getName());
                }
            }
        }
        items.add(
                "\u2014The enclosing pod template (the Kubernetes plugin's default)\u2014",
                PodTemplateStep.DescriptorImpl.defaultInheritFrom);
        return items;
    }

    /**
     * Credentials a build of {@code item} may use, never their secrets: ids and names only. Listed
     * as the build would see them, as the credentials plugin's consumer guide says: with the item's
     * authentication ({@link Tasks#getAuthenticationOf2}, the system unless an authorization plugin
     * says otherwise), not the user's, for whom {@code SystemCredentialsProvider} returns nothing.
     */
    public static ListBoxModel credentialsItems(@CheckForNull Item item, String credentialsId) {
        StandardListBoxModel items = new StandardListBoxModel();
        if (!canConfigure(item)) {
            return items.includeCurrentValue(Util.fixNull(credentialsId));
        }
        items.includeEmptyValue();
        if (item == null) {
            items.includeMatchingAs(
                    ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, List.of(), S3Credentials.MATCHER);
        } else {
            Authentication as = item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
            items.includeMatchingAs(as, item, StandardCredentials.class, List.of(), S3Credentials.MATCHER);
        }
        return items.includeCurrentValue(Util.fixNull(credentialsId));
    }

    /** failFast is three-valued: the template's own setting, or either override. */
    public static ListBoxModel failFastItems() {
        ListBoxModel items = new ListBoxModel();
        items.add(Messages.Form_FailFastTemplate(), "");
        items.add(Messages.Form_FailFastTrue(), "true");
        items.add(Messages.Form_FailFastFalse(), "false");
        return items;
    }

    /**
     * The failFast select posts {@code ""} for "as the template says", which Stapler would bind to
     * {@code false}; without the key the setter is not called and the field stays null.
     */
    public static JSONObject withoutTemplateFailFast(JSONObject formData) {
        if ("".equals(formData.opt("failFast"))) {
            formData.remove("failFast");
        }
        return formData;
    }

    public static FormValidation checkParallelism(@CheckForNull Item item, String value) {
        if (!canConfigure(item) || Util.fixEmptyAndTrim(value) == null) {
            return FormValidation.ok();
        }
        FormValidation positive = FormValidation.validatePositiveInteger(value);
        if (positive.kind != FormValidation.Kind.OK) {
            return positive;
        }
        int max = OnepanelWorkflowConfiguration.get().getMaxParallelPods();
        return Integer.parseInt(value.trim()) > max
                ? FormValidation.warning(Messages.Form_ParallelismAboveMax(max))
                : FormValidation.ok();
    }

    /**
     * The Validate button: the engine's checks on inline text, or on the template file in the
     * workspace of a freestyle job's last build; every diagnostic, with its position. Parameters are
     * checked when the build runs.
     */
    public static FormValidation validateTemplate(@CheckForNull Item item, String template, String text) {
        if (!canConfigure(item)) {
            return FormValidation.ok();
        }
        FilePath workspace = item instanceof AbstractProject<?, ?> project ? project.getSomeWorkspace() : null;
        if (Util.fixEmptyAndTrim(text) == null && Util.fixEmptyAndTrim(template) != null && workspace == null) {
            return FormValidation.warning(Messages.Form_NoWorkspaceToCheck());
        }
        WorkflowSource.Checked checked;
        try {
            WorkflowSource.Text source = WorkflowSource.read(template, text, workspace);
            checked = WorkflowSource.check(source, null, AdminLimits.of(OnepanelWorkflowConfiguration.get()));
        } catch (IOException e) {
            return FormValidation.error(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FormValidation.error(Messages.Form_Interrupted());
        }
        if (checked.diagnostics().isEmpty()) {
            return FormValidation.ok(
                    checked.workflow() == null
                            ? ""
                            : Messages.Form_Valid(checked.workflow().title()));
        }
        List<FormValidation> findings = new ArrayList<>();
        for (Diagnostic d : checked.diagnostics()) {
            findings.add(d.isError() ? FormValidation.error(d.toString()) : FormValidation.warning(d.toString()));
        }
        return FormValidation.aggregate(findings);
    }
}
