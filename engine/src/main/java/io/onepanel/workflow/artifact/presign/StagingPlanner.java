package io.onepanel.workflow.artifact.presign;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.ArtifactRepository;
import io.onepanel.workflow.artifact.ObjectKeys;
import io.onepanel.workflow.artifact.presign.Plans.DownloadPlan;
import io.onepanel.workflow.artifact.presign.Plans.GetFile;
import io.onepanel.workflow.artifact.presign.Plans.ManifestFile;
import io.onepanel.workflow.artifact.presign.Plans.MultipartFile;
import io.onepanel.workflow.artifact.presign.Plans.Presigned;
import io.onepanel.workflow.artifact.presign.Plans.PutFile;
import io.onepanel.workflow.artifact.presign.Plans.UploadManifest;
import io.onepanel.workflow.artifact.presign.Plans.UploadPlan;
import io.onepanel.workflow.artifact.presign.Plans.UploadReceipt;
import io.onepanel.workflow.artifact.s3.S3ArtifactStore;
import io.onepanel.workflow.artifact.s3.S3Connections;
import io.onepanel.workflow.artifact.s3.S3Errors;
import io.onepanel.workflow.artifact.s3.S3Location;
import io.onepanel.workflow.template.Artifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The signer side of keyless staging: where the S3 credentials live (the engine, the Jenkins
 * controller), it turns a task's artifacts into presigned GET and PUT URLs with {@link S3Presigner}.
 * It lists and inspects the bucket for inputs, starts and completes multipart uploads for large
 * outputs (presigning each part), and aborts them when the stager fails. A {@link Stager} holding no
 * credentials then moves the bytes straight between the pod and S3.
 *
 * <p>The signer holds an administrator's keys, so by default it signs only for the configured
 * repository: an artifact whose {@code s3:} block moves the bucket, the endpoint or the region, or
 * brings other credentials ({@code accessKeySecret}/{@code secretKeySecret}, {@code useSDKCreds}),
 * is refused with an {@link ArtifactException} before anything is signed or listed. Otherwise a
 * template could have the controller's keys presign URLs for any bucket those keys reach. {@link
 * #allowingTemplateLocations} lifts that, for a signer whose owner explicitly allows it.
 *
 * <p>Within the bucket, {@link #confinedTo} confines a signer to a key prefix (in Jenkins, a job's
 * full name): every key it signs, lists or completes must be the prefix or lie below it, and
 * outputs without a key of their own are located below it. Keys are compared as S3 compares them,
 * byte for byte: they are first checked to have no {@code ..} or {@code .} segment, no empty
 * segment ({@code //}), no leading {@code /}, no backslash and no control character, and S3 decodes
 * nothing in a key, so {@code %2F} or {@code %2e%2e} are characters of a name, never a way out.
 */
public final class StagingPlanner {

    private final ArtifactRepository repository;
    private final S3Connections connections;
    private final Duration expiry;
    private final boolean templateLocations;
    /** Keys are confined to this prefix (no trailing slash), or null for the whole bucket. */
    private final String keyPrefix;

    /** A signer for the store's repository only (see the class comment). */
    public StagingPlanner(S3ArtifactStore store, Duration expiry) {
        this(store.repository(), store.connections(), expiry, false, null);
    }

    private StagingPlanner(ArtifactRepository repository, S3Connections connections, Duration expiry,
            boolean templateLocations, String keyPrefix) {
        this.repository = repository;
        this.connections = connections;
        this.expiry = expiry;
        this.templateLocations = templateLocations;
        this.keyPrefix = keyPrefix;
    }

    /**
     * A signer that also signs for buckets, endpoints, regions and credentials that artifacts name
     * themselves. Only for callers whose administrator explicitly allowed it.
     */
    public static StagingPlanner allowingTemplateLocations(S3ArtifactStore store, Duration expiry) {
        return new StagingPlanner(store.repository(), store.connections(), expiry, true, null);
    }

    /**
     * This signer, confined to keys at or below {@code prefix} (see the class comment).
     *
     * @param prefix a key such as {@code team-a/nightly} (a trailing slash is dropped)
     * @throws ArtifactException when the prefix is not a safe key
     */
    public StagingPlanner confinedTo(String prefix) throws ArtifactException {
        String problem = ObjectKeys.problem(prefix);
        if (problem != null) {
            throw new ArtifactException("the key prefix '" + prefix + "' is not a usable key: " + problem);
        }
        return new StagingPlanner(repository, connections, expiry, templateLocations,
                ObjectKeys.stripTrailingSlash(prefix));
    }

    /** The prefix every key must have, or null when the signer may use the whole bucket. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Whether this signer signs for locations other than the configured repository. */
    public boolean allowsTemplateLocations() {
        return templateLocations;
    }

    /**
     * Where the artifact lives, refused unless it is the configured repository (or this signer
     * allows template locations).
     */
    private S3Location locationOf(Artifact artifact) throws ArtifactException {
        checkPrefix(artifact);
        S3Location at = S3Location.of(artifact, repository);
        if (templateLocations) {
            return at;
        }
        S3Location configured = configuredLocation();
        List<String> moved = new ArrayList<>();
        if (!at.bucket().equals(configured.bucket())) {
            moved.add("bucket '" + at.bucket() + "'");
        }
        if (!java.util.Objects.equals(at.endpoint(), configured.endpoint())) {
            moved.add("endpoint " + at.endpointName());
        }
        if (!at.region().equals(configured.region())) {
            moved.add("region '" + at.region() + "'");
        }
        if (!at.credentials().equals(configured.credentials())) {
            moved.add("its own credentials");
        }
        if (!moved.isEmpty()) {
            throw new ArtifactException("artifact '" + artifact.name() + "' names " + String.join(", ", moved)
                    + ", but presigned URLs are only signed for the configured artifact repository (bucket '"
                    + configured.bucket() + "' at " + configured.endpointName() + "); use the configured repository"
                    + " (an s3 key only), or have the administrator allow artifact locations named by templates");
        }
        return at;
    }

    /** A confined signer's rule, on the key as the artifact gives it: the prefix, or below it, nothing else. */
    private void checkPrefix(Artifact artifact) throws ArtifactException {
        if (keyPrefix == null) {
            return;
        }
        String key = artifact.s3() == null ? null : artifact.s3().key();
        String problem = ObjectKeys.problem(key);
        String normal = problem == null ? ObjectKeys.stripTrailingSlash(key) : null;
        if (problem != null || !normal.equals(keyPrefix) && !normal.startsWith(keyPrefix + "/")) {
            throw new ArtifactException("artifact '" + artifact.name() + "': key '" + ObjectKeys.printable(key)
                    + "' is outside '" + keyPrefix + "/', the only keys this job may use"
                    + (problem == null ? "" : " (the key " + problem + ")") + "; give a key below it, or none"
                    + " (outputs without a key are stored below it)");
        }
    }

    /** The configured repository as a location (bucket, endpoint, region, credentials). */
    private S3Location configuredLocation() throws ArtifactException {
        if (repository.bucket() == null || repository.bucket().isBlank()) {
            throw new ArtifactException("the artifact repository has no bucket, so nothing can be presigned");
        }
        String region = repository.region() != null && !repository.region().isBlank() ? repository.region()
                : ArtifactRepository.DEFAULT_REGION;
        try {
            return new S3Location(ArtifactRepository.endpointUri(repository.endpoint(), repository.insecure()), region,
                    repository.pathStyle(), repository.credentials(), repository.bucket(), "");
        } catch (IllegalArgumentException e) {
            throw new ArtifactException("the artifact repository's " + e.getMessage());
        }
    }

    /**
     * Gives an output its location (and explicit archive), as {@link S3ArtifactStore#locate} does;
     * when confined, an output without a key of its own gets one below the prefix.
     */
    public Artifact locate(Artifact output, Map<String, String> variables) {
        Artifact located = repository.locate(output, variables);
        boolean generated = output.s3() == null || output.s3().key() == null || output.s3().key().isBlank();
        if (keyPrefix == null || !generated || located.s3() == null) {
            return located;
        }
        return located.withS3(located.s3().withKey(ObjectKeys.join(keyPrefix, located.s3().key())));
    }

    public DownloadPlan planFetch(Artifact input) throws ArtifactException {
        S3Location at = locationOf(input);
        S3Connections.Connection c = connections.get(at.connectionKey());
        String what = "artifact '" + input.name() + "'";
        int attempts = connections.settings().maxAttempts();
        try (S3Presigner presigner = connections.presigner(at.connectionKey())) {
            HeadObjectResponse head = null;
            try {
                head = c.client().headObject(h -> h.bucket(at.bucket()).key(at.key())).join();
            } catch (CompletionException e) {
                if (!S3Errors.isNotFound(e)) {
                    throw S3Errors.describe(e, what, at, attempts);
                }
            }
            if (head != null) {
                long size = head.contentLength();
                return new DownloadPlan(input.name(), true, false,
                        List.of(new GetFile("", size, get(presigner, at.bucket(), at.key()))), List.of(), size);
            }
            List<S3Object> objects = new ArrayList<>();
            String prefix = at.key() + "/";
            try {
                String token = null;
                do {
                    String continuation = token;
                    ListObjectsV2Response page = c.client().listObjectsV2(l -> l.bucket(at.bucket()).prefix(prefix)
                            .continuationToken(continuation)).join();
                    objects.addAll(page.contents());
                    token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
                } while (token != null);
            } catch (CompletionException e) {
                throw S3Errors.describe(e, what, at, attempts);
            }
            if (objects.isEmpty()) {
                if (input.optional()) {
                    return new DownloadPlan(input.name(), false, true, List.of(), List.of(), 0);
                }
                throw new ArtifactException(what + ": no object or prefix '" + at.key() + "' in bucket '"
                        + at.bucket() + "' at " + at.endpointName());
            }
            List<GetFile> files = new ArrayList<>();
            List<String> directories = new ArrayList<>();
            long bytes = 0;
            for (S3Object o : objects) {
                String rel = o.key().substring(prefix.length());
                if (rel.isEmpty()) {
                    continue;
                }
                ObjectKeys.check(rel);
                if (rel.endsWith("/")) {
                    directories.add(ObjectKeys.stripTrailingSlash(rel));
                } else {
                    files.add(new GetFile(rel, o.size(), get(presigner, at.bucket(), o.key())));
                    bytes += o.size();
                }
            }
            return new DownloadPlan(input.name(), false, false, files, directories, bytes);
        }
    }

    /**
     * Presigns the uploads of a located output's manifest: a PUT per file below the multipart
     * threshold, a multipart upload (started here) with one presigned URL per part above it, and a
     * zero-byte PUT per empty directory.
     */
    public UploadPlan planStore(Artifact output, UploadManifest manifest) throws ArtifactException {
        S3Location at = locationOf(output);
        S3Connections.Connection c = connections.get(at.connectionKey());
        String what = "artifact '" + output.name() + "'";
        long threshold = connections.settings().multipartThreshold();
        long partSize = connections.settings().partSize();
        List<PutFile> puts = new ArrayList<>();
        List<MultipartFile> multiparts = new ArrayList<>();
        try (S3Presigner presigner = connections.presigner(at.connectionKey())) {
            try {
                for (ManifestFile f : manifest.files()) {
                    String key = f.relative().isEmpty() ? at.key() : ObjectKeys.join(at.key(), ObjectKeys.check(f.relative()));
                    if (f.size() < threshold) {
                        puts.add(new PutFile(f.relative(), key, put(presigner, at.bucket(), key)));
                        continue;
                    }
                    String uploadId = c.client().createMultipartUpload(m -> m.bucket(at.bucket()).key(key)).join()
                            .uploadId();
                    int count = (int) ((f.size() + partSize - 1) / partSize);
                    List<Presigned> parts = new ArrayList<>(count);
                    for (int part = 1; part <= count; part++) {
                        int number = part;
                        parts.add(of(presigner.presignUploadPart(p -> p.signatureDuration(expiry)
                                .uploadPartRequest(u -> u.bucket(at.bucket()).key(key).uploadId(uploadId)
                                        .partNumber(number)))));
                    }
                    multiparts.add(new MultipartFile(f.relative(), key, uploadId, f.size(), partSize, parts));
                }
                for (String dir : manifest.emptyDirectories()) {
                    String key = (dir.isEmpty() ? at.key() : ObjectKeys.join(at.key(), ObjectKeys.check(dir))) + "/";
                    puts.add(new PutFile(null, key, put(presigner, at.bucket(), key)));
                }
            } catch (CompletionException e) {
                abort(new UploadPlan(output.name(), at.bucket(), List.of(), multiparts), output);
                throw S3Errors.describe(e, what, at, connections.settings().maxAttempts());
            }
        }
        return new UploadPlan(output.name(), at.bucket(), puts, multiparts);
    }

    /** Completes the plan's multipart uploads with the stager's part ETags; returns the stored artifact. */
    public Artifact complete(Artifact output, UploadPlan plan, UploadReceipt receipt) throws ArtifactException {
        S3Location at = locationOf(output);
        if (!at.bucket().equals(plan.bucket())) {
            throw new ArtifactException("artifact '" + output.name() + "': the upload plan is for bucket '"
                    + plan.bucket() + "', not '" + at.bucket() + "'");
        }
        S3Connections.Connection c = connections.get(at.connectionKey());
        try {
            for (MultipartFile m : plan.multiparts()) {
                List<String> etags = receipt.partETagsByUploadId().get(m.uploadId());
                if (etags == null || etags.size() != m.parts().size()) {
                    throw new ArtifactException("artifact '" + output.name() + "': the stager did not report every part of '"
                            + m.key() + "'");
                }
                List<CompletedPart> parts = new ArrayList<>();
                for (int i = 0; i < etags.size(); i++) {
                    parts.add(CompletedPart.builder().partNumber(i + 1).eTag(etags.get(i)).build());
                }
                c.client().completeMultipartUpload(r -> r.bucket(plan.bucket()).key(m.key()).uploadId(m.uploadId())
                        .multipartUpload(u -> u.parts(parts))).join();
            }
        } catch (CompletionException | ArtifactException e) {
            abort(plan, output);
            throw e instanceof ArtifactException a ? a
                    : S3Errors.describe(e, "artifact '" + output.name() + "'", at, connections.settings().maxAttempts());
        }
        return ArtifactRepository.withArchive(output, repository.archiveOf(output));
    }

    /** After a failed stager: aborts the multipart uploads and deletes what single PUTs wrote. Quiet. */
    public void abort(UploadPlan plan, Artifact output) {
        try {
            S3Location at = locationOf(output);
            S3Connections.Connection c = connections.get(at.connectionKey());
            for (MultipartFile m : plan.multiparts()) {
                try {
                    c.client().abortMultipartUpload(a -> a.bucket(plan.bucket()).key(m.key()).uploadId(m.uploadId()))
                            .join();
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
            for (PutFile p : plan.puts()) {
                try {
                    c.client().deleteObject(d -> d.bucket(plan.bucket()).key(p.key())).join();
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
        } catch (ArtifactException ignored) {
            // nothing was planned for an artifact without a location
        }
    }

    private Presigned get(S3Presigner presigner, String bucket, String key) {
        return of(presigner.presignGetObject(p -> p.signatureDuration(expiry).getObjectRequest(g -> g.bucket(bucket)
                .key(key))));
    }

    private Presigned put(S3Presigner presigner, String bucket, String key) {
        return of(presigner.presignPutObject(p -> p.signatureDuration(expiry).putObjectRequest(r -> r.bucket(bucket)
                .key(key))));
    }

    private static Presigned of(PresignedRequest request) {
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                headers.put(name, values);
            }
        });
        try {
            return new Presigned(request.httpRequest().method().name(), request.url().toURI(), headers);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
