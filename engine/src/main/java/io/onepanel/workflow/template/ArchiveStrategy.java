package io.onepanel.workflow.template;

/**
 * How an output is stored: {@code NONE} stores files as they are (a directory becomes one object
 * per file), {@code TAR} stores one tar+gzip object. {@code null} on an artifact means "the
 * repository's default" (Onepanel: none; plain Argo: tar).
 */
public record ArchiveStrategy(Kind kind, Integer compressionLevel) {

    public enum Kind { NONE, TAR, ZIP }

    public static final ArchiveStrategy NONE = new ArchiveStrategy(Kind.NONE, null);
    public static final ArchiveStrategy TAR = new ArchiveStrategy(Kind.TAR, null);
}
