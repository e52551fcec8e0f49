package io.onepanel.workflow.artifact;

/**
 * @param artifact the artifact's name
 * @param bytesTotal -1 while unknown
 * @param filesTotal -1 while unknown
 */
public record TransferProgress(String artifact, long bytesDone, long bytesTotal, int filesDone, int filesTotal) {}
