package io.onepanel.workflow.runtime;

import io.onepanel.workflow.artifact.files.LinkFreePath;
import io.onepanel.workflow.template.TemplateBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file behind an output parameter's {@code valueFrom.path}, read as the runtimes read it: a
 * regular file, reached without following a symbolic link anywhere on its path
 * ({@link LinkFreePath}), at most a limit long, and UTF-8 text (Argo's values are strings). Each
 * refusal is one sentence a user can act on.
 */
public final class OutputParameterFile {

    /** Why a file is not a parameter value; the message completes "&lt;path&gt; ...". */
    public static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    private OutputParameterFile() {}

    /**
     * @param file an absolute path with no symbolic link on it
     * @return the text, or null when nothing is at {@code file} (a default may apply)
     * @throws Unusable a link, not a regular file, too large, or not UTF-8
     */
    public static String read(Path file, int limit) throws Unusable, IOException {
        BasicFileAttributes attributes;
        try {
            attributes = LinkFreePath.attributes(file);
        } catch (LinkFreePath.LinkInPathException e) {
            throw new Unusable("lies behind a symbolic link; outputs are read where they are, never through a link");
        }
        if (attributes == null) {
            return null;
        }
        if (attributes.isSymbolicLink()) {
            throw new Unusable("is a symbolic link; outputs are read where they are, never through a link");
        }
        if (!attributes.isRegularFile()) {
            throw new Unusable("is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = LinkFreePath.newInputStream(file)) {
            bytes = in.readNBytes(limit + 1);
        } catch (LinkFreePath.LinkInPathException e) {
            throw new Unusable("was replaced by a symbolic link while it was read; it is not followed");
        }
        if (bytes.length > limit) {
            throw new Unusable("is larger than " + limit + " bytes, the limit for an output parameter");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new Unusable("holds a NUL byte at offset " + i + "; an output parameter is text that later"
                        + " commands and environments can carry, so write binary data to an output artifact");
            }
        }
        int bad = TemplateBytes.firstNonUtf8Byte(bytes);
        if (bad >= 0) {
            throw new Unusable(String.format("is not UTF-8 text (byte 0x%02X at offset %d); an output parameter is"
                    + " text, so write binary data to an output artifact", bytes[bad] & 0xFF, bad));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
