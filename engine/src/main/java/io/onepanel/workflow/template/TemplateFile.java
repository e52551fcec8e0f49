package io.onepanel.workflow.template;

import io.onepanel.workflow.template.yaml.YamlSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A template's bytes, read with a bound that holds whatever the file is: at most
 * {@link YamlSource#MAX_CHARS} (32 MiB) plus one byte are ever read, so {@code /dev/zero}, an
 * endless pipe or standard input that never ends are refused at the limit, not read into memory
 * until the JVM gives up. A regular file is opened at once; anything else (a FIFO, a device, a
 * pipe given as {@code /dev/fd/N}) is opened on a thread of its own and given {@link #OPEN_WAIT}:
 * opening a FIFO blocks in the kernel until a writer opens it too, and no interrupt reaches that, so
 * a FIFO nobody writes to is refused with a message instead of hanging the command. Standard input
 * is {@code -}.
 */
public final class TemplateFile {

    /** The bound on a template, in bytes. */
    public static final int LIMIT = YamlSource.MAX_CHARS;

    /** How long a FIFO (or another special file) may take to open: its writer must be there by then. */
    public static final Duration OPEN_WAIT = Duration.ofSeconds(10);

    /** Why a template cannot be read; the message names the file and what would fix it. */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private TemplateFile() {}

    /** @param file a path, or {@code -} for {@code stdin} */
    public static byte[] read(Path file, InputStream stdin) throws Unreadable, IOException {
        if (file.toString().equals("-")) {
            return bounded(stdin, "standard input");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new Unreadable(file + ": is a directory, not a template file");
        }
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return bounded(in, file.toString());
            }
        }
        try (InputStream in = openSpecial(file)) {
            return bounded(in, file.toString());
        }
    }

    private static InputStream openSpecial(Path file) throws Unreadable, IOException {
        CompletableFuture<InputStream> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                InputStream in = Files.newInputStream(file);
                if (!opening.complete(in)) {
                    in.close(); // opened after we stopped waiting: nobody reads it
                }
            } catch (IOException | RuntimeException e) {
                opening.completeExceptionally(e);
            }
        }, "template-opener");
        opener.setDaemon(true);
        opener.start();
        try {
            return opening.get(OPEN_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            opening.cancel(false);
            throw new Unreadable(file + ": not a regular file, and nothing opened it for writing within "
                    + OPEN_WAIT.toSeconds() + " s (a FIFO without a writer?); start the writer first, or give the"
                    + " template on standard input as '-'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreadable(file + ": interrupted while waiting for it to open");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static byte[] bounded(InputStream in, String name) throws Unreadable, IOException {
        byte[] bytes = in.readNBytes(LIMIT + 1);
        if (bytes.length > LIMIT) {
            throw new Unreadable(name + ": more than " + LIMIT + " bytes (32 MiB), the limit for a template;"
                    + " is this the right file?");
        }
        return bytes;
    }
}
