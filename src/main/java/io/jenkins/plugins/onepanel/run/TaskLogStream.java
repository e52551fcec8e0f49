package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.console.LineTransformationOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits bytes into lines (UTF-8, line break removed) for whoever wants them one at a time: the
 * engine's task listener, the build log with the task's name in front.
 */
public final class TaskLogStream extends LineTransformationOutputStream {

    private final Consumer<String> lines;

    public TaskLogStream(@NonNull Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    protected void eol(byte[] b, int len) {
        lines.accept(trimEOL(new String(b, 0, len, StandardCharsets.UTF_8)));
    }
}
