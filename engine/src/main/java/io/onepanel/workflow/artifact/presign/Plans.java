package io.onepanel.workflow.artifact.presign;

import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The staging plans exchanged between the signer (where the S3 credentials live) and a stager
 * (in the pod or on a Jenkins agent, holding none). Plans hold presigned URLs only: they expire, and
 * they grant exactly the listed GETs and PUTs. All records are serializable so they can cross a
 * process boundary (Jenkins remoting, a file in the pod).
 */
public final class Plans {

    private Plans() {}

    /** One presigned HTTP request: the method, the URL and the headers that were signed with it. */
    public record Presigned(String method, URI url, Map<String, List<String>> headers) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Presigned {
            headers = Map.copyOf(headers);
        }

        /** The URL without its query string (which holds the signature), for messages. */
        public String shown() {
            return url.getScheme() + "://" + url.getAuthority() + url.getPath();
        }

        @Override
        public String toString() {
            return method + " " + shown();
        }
    }

    /**
     * How to fetch one input.
     *
     * @param singleObject the key named one object, fetched as a file ({@code files} has one entry, "")
     * @param missing nothing is there and the input is optional: place nothing
     */
    public record DownloadPlan(String artifact, boolean singleObject, boolean missing, List<GetFile> files,
            List<String> directories, long bytes) implements Serializable {
        private static final long serialVersionUID = 1L;

        public DownloadPlan {
            files = List.copyOf(files);
            directories = List.copyOf(directories);
        }
    }

    /** @param relative '/'-separated name under the target ("" for a single object) */
    public record GetFile(String relative, long size, Presigned get) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** What a stager has to upload for one output, sent to the signer to get an {@link UploadPlan}. */
    public record UploadManifest(String artifact, List<ManifestFile> files, List<String> emptyDirectories)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public UploadManifest {
            files = List.copyOf(files);
            emptyDirectories = List.copyOf(emptyDirectories);
        }
    }

    /** @param relative '/'-separated name under the output ("" for a single file or an archive) */
    public record ManifestFile(String relative, long size) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** How to upload one output: single PUTs, multipart uploads in presigned parts, directory markers. */
    public record UploadPlan(String artifact, String bucket, List<PutFile> puts, List<MultipartFile> multiparts)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public UploadPlan {
            puts = List.copyOf(puts);
            multiparts = List.copyOf(multiparts);
        }
    }

    /** @param relative the manifest name, or null for an empty-directory marker (zero bytes) */
    public record PutFile(String relative, String key, Presigned put) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** A large file: part {@code i} (from 0) is bytes {@code [i*partSize, min(size, (i+1)*partSize))}. */
    public record MultipartFile(String relative, String key, String uploadId, long size, long partSize,
            List<Presigned> parts) implements Serializable {
        private static final long serialVersionUID = 1L;

        public MultipartFile {
            parts = List.copyOf(parts);
        }
    }

    /** What the stager sends back: the ETag of every part of every multipart upload, in part order. */
    public record UploadReceipt(Map<String, List<String>> partETagsByUploadId) implements Serializable {
        private static final long serialVersionUID = 1L;

        public UploadReceipt {
            partETagsByUploadId = Map.copyOf(partETagsByUploadId);
        }
    }
}
