package io.onepanel.workflow.artifact;

import java.time.Duration;

/**
 * How transfers behave: bounded retries with exponential backoff, how many requests run at once,
 * when files go multipart and in what part size, and whether the SDK's flexible checksums (CRC32
 * computed on upload, validated on download) are used. Turn {@code flexibleChecksums} off only for
 * S3-compatible servers that do not understand them (S3Proxy, older MinIO and Ceph): uploads are
 * then protected by SigV4 payload signing on http endpoints and by TLS on https ones.
 *
 * @param maxAttempts attempts per request, including the first (1 = no retry)
 * @param baseDelay first backoff delay; doubled per attempt, with jitter
 * @param maxBackoff the longest delay between two attempts
 * @param connectTimeout how long to wait for a TCP connection
 * @param maxConcurrency requests in flight at once (many small files go in parallel up to this)
 * @param multipartThreshold files at least this big are sent in parts
 * @param partSize size of one part of a multipart transfer (and of a presigned part)
 * @param stallTimeout a transfer during which no byte moves for this long is cancelled and fails;
 *     also the longest a single request (a silent connection, HEAD, LIST) may take, retries included
 * @param totalTimeout the longest one artifact's transfer may take in all, however steadily bytes move
 */
public record TransferSettings(
        int maxAttempts,
        Duration baseDelay,
        Duration maxBackoff,
        Duration connectTimeout,
        int maxConcurrency,
        long multipartThreshold,
        long partSize,
        boolean flexibleChecksums,
        Duration stallTimeout,
        Duration totalTimeout) {

    public static final long MiB = 1024L * 1024L;

    public static final TransferSettings DEFAULT = new TransferSettings(
            4, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(10), 64, 8 * MiB, 8 * MiB, true,
            Duration.ofSeconds(60), Duration.ofHours(6));

    public TransferSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1");
        }
        if (partSize < 5 * MiB) {
            throw new IllegalArgumentException("partSize must be at least 5 MiB (the S3 minimum)");
        }
        if (multipartThreshold < partSize) {
            throw new IllegalArgumentException("multipartThreshold must be at least partSize");
        }
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive");
        }
        if (totalTimeout == null || totalTimeout.isNegative() || totalTimeout.isZero()) {
            throw new IllegalArgumentException("totalTimeout must be positive");
        }
    }

    public TransferSettings withRetries(int attempts, Duration base, Duration max) {
        return new TransferSettings(attempts, base, max, connectTimeout, maxConcurrency, multipartThreshold, partSize,
                flexibleChecksums, stallTimeout, totalTimeout);
    }

    public TransferSettings withFlexibleChecksums(boolean enabled) {
        return new TransferSettings(maxAttempts, baseDelay, maxBackoff, connectTimeout, maxConcurrency,
                multipartThreshold, partSize, enabled, stallTimeout, totalTimeout);
    }

    public TransferSettings withConnectTimeout(Duration timeout) {
        return new TransferSettings(maxAttempts, baseDelay, maxBackoff, timeout, maxConcurrency, multipartThreshold,
                partSize, flexibleChecksums, stallTimeout, totalTimeout);
    }

    public TransferSettings withMaxConcurrency(int concurrency) {
        return new TransferSettings(maxAttempts, baseDelay, maxBackoff, connectTimeout, concurrency,
                multipartThreshold, partSize, flexibleChecksums, stallTimeout, totalTimeout);
    }

    public TransferSettings withMultipart(long threshold, long size) {
        return new TransferSettings(maxAttempts, baseDelay, maxBackoff, connectTimeout, maxConcurrency, threshold,
                size, flexibleChecksums, stallTimeout, totalTimeout);
    }

    public TransferSettings withStallTimeout(Duration timeout) {
        return new TransferSettings(maxAttempts, baseDelay, maxBackoff, connectTimeout, maxConcurrency,
                multipartThreshold, partSize, flexibleChecksums, timeout, totalTimeout);
    }

    public TransferSettings withTotalTimeout(Duration timeout) {
        return new TransferSettings(maxAttempts, baseDelay, maxBackoff, connectTimeout, maxConcurrency,
                multipartThreshold, partSize, flexibleChecksums, stallTimeout, timeout);
    }

    /** "2 s", "5 min", "6 h": a limit as a message names it. */
    public static String words(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + " ms";
        }
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        return seconds >= 60 && seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }
}
