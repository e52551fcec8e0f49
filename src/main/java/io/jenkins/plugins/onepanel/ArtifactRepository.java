package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.io.Serial;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.jenkinsci.Symbol;

/**
 * Where artifacts live by default: an S3 bucket (AWS or any S3-compatible endpoint such as MinIO),
 * as Onepanel configures one per namespace. Credentials are not part of it: they are a Jenkins
 * credentials id kept beside it (in {@link OnepanelWorkflowConfiguration} or on the step), so
 * that no secret is ever bound to a form field.
 *
 * <p>Used twice: as the administrator's default and as a step's override, where every field that
 * is set wins over the default ({@link #overriding}).
 */
public final class ArtifactRepository implements Describable<ArtifactRepository>, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Onepanel's default key format for outputs that name no key. */
    public static final String DEFAULT_KEY_FORMAT = "artifacts/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}";

    private String bucket;
    private String endpoint;
    private String region;
    private boolean pathStyle;
    private boolean insecure;
    private String keyFormat;

    @DataBoundConstructor
    public ArtifactRepository() {}

    @CheckForNull
    public String getBucket() {
        return bucket;
    }

    @DataBoundSetter
    public void setBucket(String bucket) {
        this.bucket = Util.fixEmptyAndTrim(bucket);
    }

    /** Empty means AWS S3 for the region; otherwise an S3-compatible endpoint URL. */
    @CheckForNull
    public String getEndpoint() {
        return endpoint;
    }

    @DataBoundSetter
    public void setEndpoint(String endpoint) {
        this.endpoint = Util.fixEmptyAndTrim(endpoint);
    }

    @CheckForNull
    public String getRegion() {
        return region;
    }

    @DataBoundSetter
    public void setRegion(String region) {
        this.region = Util.fixEmptyAndTrim(region);
    }

    public boolean isPathStyle() {
        return pathStyle;
    }

    @DataBoundSetter
    public void setPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
    }

    /** Plain http to the endpoint; for test setups only. */
    public boolean isInsecure() {
        return insecure;
    }

    @DataBoundSetter
    public void setInsecure(boolean insecure) {
        this.insecure = insecure;
    }

    @CheckForNull
    public String getKeyFormat() {
        return keyFormat;
    }

    @DataBoundSetter
    public void setKeyFormat(String keyFormat) {
        this.keyFormat = Util.fixEmptyAndTrim(keyFormat);
    }

    /** The key format to use: the one set here, or Onepanel's default. */
    @NonNull
    public String effectiveKeyFormat() {
        return keyFormat != null ? keyFormat : DEFAULT_KEY_FORMAT;
    }

    /**
     * True when this override points somewhere other than the default (bucket, endpoint or
     * region). Such an override never gets the administrator's credentials: a job could otherwise
     * have the controller sign requests for a bucket the administrator did not choose.
     */
    public boolean movesLocation() {
        return bucket != null || endpoint != null || region != null;
    }

    /** A repository with every field of {@code override} that is set replacing this one's. */
    @NonNull
    public ArtifactRepository overriding(@CheckForNull ArtifactRepository override) {
        ArtifactRepository merged = new ArtifactRepository();
        merged.bucket = bucket;
        merged.endpoint = endpoint;
        merged.region = region;
        merged.pathStyle = pathStyle;
        merged.insecure = insecure;
        merged.keyFormat = keyFormat;
        if (override != null) {
            merged.bucket = Objects.requireNonNullElse(override.bucket, merged.bucket);
            merged.endpoint = Objects.requireNonNullElse(override.endpoint, merged.endpoint);
            merged.region = Objects.requireNonNullElse(override.region, merged.region);
            merged.pathStyle |= override.pathStyle;
            merged.insecure |= override.insecure;
            merged.keyFormat = Objects.requireNonNullElse(override.keyFormat, merged.keyFormat);
        }
        return merged;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArtifactRepository that
                && pathStyle == that.pathStyle
                && insecure == that.insecure
                && Objects.equals(bucket, that.bucket)
                && Objects.equals(endpoint, that.endpoint)
                && Objects.equals(region, that.region)
                && Objects.equals(keyFormat, that.keyFormat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, endpoint, region, pathStyle, insecure, keyFormat);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (endpoint != null ? " at " + endpoint : "") + (region != null ? " in " + region : "");
    }

    @Extension
    @Symbol("s3")
    public static final class DescriptorImpl extends Descriptor<ArtifactRepository> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ArtifactRepository_DisplayName();
        }

        /** Syntax only: nothing is contacted, so this needs no permission beyond reading the form. */
        @POST
        public FormValidation doCheckEndpoint(@QueryParameter String value) {
            String endpoint = Util.fixEmptyAndTrim(value);
            if (endpoint == null) {
                return FormValidation.ok();
            }
            try {
                URI uri = new URI(endpoint);
                if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                    return FormValidation.error(Messages.ArtifactRepository_EndpointNotHttp());
                }
                if ("http".equals(uri.getScheme())) {
                    return FormValidation.warning(Messages.ArtifactRepository_EndpointPlainHttp());
                }
                return FormValidation.ok();
            } catch (URISyntaxException e) {
                return FormValidation.error(Messages.ArtifactRepository_EndpointNotAUrl(e.getReason()));
            }
        }

        @POST
        public FormValidation doCheckBucket(@QueryParameter String value) {
            String bucket = Util.fixEmptyAndTrim(value);
            if (bucket == null || bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                return FormValidation.ok();
            }
            return FormValidation.error(Messages.ArtifactRepository_BucketName());
        }

        @POST
        public FormValidation doCheckKeyFormat(@QueryParameter String value) {
            String format = Util.fixEmptyAndTrim(value);
            if (format == null) {
                return FormValidation.ok(Messages.ArtifactRepository_KeyFormatDefault(DEFAULT_KEY_FORMAT));
            }
            if (!format.contains("{{pod.name}}")) {
                return FormValidation.warning(Messages.ArtifactRepository_KeyFormatWithoutPodName("{{pod.name}}"));
            }
            return FormValidation.ok();
        }
    }
}
