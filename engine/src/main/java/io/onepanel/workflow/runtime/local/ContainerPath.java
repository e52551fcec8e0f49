package io.onepanel.workflow.runtime.local;

import java.nio.file.Path;

/**
 * An absolute path inside a task's container, as a template declares it (an artifact path, an
 * output parameter file, a volume's mount path, a working directory). Normalised: no empty or
 * {@code .} segments, no trailing slash. Never contains {@code ..}: a path that tries to climb out
 * of where it is declared is rejected, not resolved.
 */
record ContainerPath(String value) {

    static final ContainerPath ROOT = new ContainerPath("/");
    static final ContainerPath TMP = new ContainerPath("/tmp");

    /**
     * @param what names the path in the error, e.g. "input artifact 'data'"
     * @throws LocalRuntimeException when the path is empty, relative or contains {@code ..}
     */
    static ContainerPath parse(String raw, String what) throws LocalRuntimeException {
        if (raw == null || raw.isEmpty()) {
            throw new LocalRuntimeException(what + " has no path");
        }
        if (raw.indexOf('\0') >= 0) {
            throw new LocalRuntimeException(what + ": path contains a NUL character");
        }
        if (!raw.startsWith("/")) {
            throw new LocalRuntimeException(what + ": path '" + raw + "' is not absolute; paths in a container"
                    + " must start with '/'");
        }
        StringBuilder normal = new StringBuilder();
        for (String segment : raw.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new LocalRuntimeException(what + ": path '" + raw + "' contains '..'; a path may not climb"
                        + " out of the directory it names");
            }
            normal.append('/').append(segment);
        }
        return normal.length() == 0 ? ROOT : new ContainerPath(normal.toString());
    }

    boolean isRoot() {
        return value.equals("/");
    }

    /** Whether this path is {@code other} or lies below it. */
    boolean isWithin(ContainerPath other) {
        return other.isRoot() || value.equals(other.value) || value.startsWith(other.value + "/");
    }

    /** This path relative to {@code ancestor} ("" when equal); requires {@link #isWithin}. */
    String relativeTo(ContainerPath ancestor) {
        if (value.equals(ancestor.value)) {
            return "";
        }
        return ancestor.isRoot() ? value.substring(1) : value.substring(ancestor.value.length() + 1);
    }

    int depth() {
        return isRoot() ? 0 : (int) value.chars().filter(c -> c == '/').count();
    }

    ContainerPath parent() {
        int slash = value.lastIndexOf('/');
        return slash <= 0 ? ROOT : new ContainerPath(value.substring(0, slash));
    }

    String fileName() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    /** The same path on this machine's file system (outside any namespace). */
    Path onHost() {
        return Path.of(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
