package io.onepanel.workflow.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template is read with a bound that holds for streams and special files too: no input makes
 * the reader hold more than 32 MiB, and a FIFO nobody writes to does not hang it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
class TemplateFileTest {

    @TempDir
    Path tmp;

    /** Standard input that never ends. */
    private static final class Endless extends InputStream {
        @Override
        public int read() {
            return 'a';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'a');
            return len;
        }
    }

    @Test
    void standardInputThatNeverEndsIsRefusedAtTheLimit() {
        assertThatThrownBy(() -> TemplateFile.read(Path.of("-"), new Endless()))
                .isInstanceOf(TemplateFile.Unreadable.class)
                .hasMessage("standard input: more than 33554432 bytes (32 MiB), the limit for a template;"
                        + " is this the right file?");
    }

    @Test
    void devZeroIsRefusedAtTheLimit() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "a machine with /dev/zero");
        assertThatThrownBy(() -> TemplateFile.read(Path.of("/dev/zero"), InputStream.nullInputStream()))
                .isInstanceOf(TemplateFile.Unreadable.class)
                .hasMessageStartingWith("/dev/zero: more than 33554432 bytes (32 MiB)");
    }

    @Test
    void aFifoWithoutAWriterIsRefusedAfterAShortWait() throws Exception {
        Path fifo = fifo();
        assertThatThrownBy(() -> TemplateFile.read(fifo, InputStream.nullInputStream()))
                .isInstanceOf(TemplateFile.Unreadable.class)
                .hasMessage(fifo + ": not a regular file, and nothing opened it for writing within 10 s (a FIFO"
                        + " without a writer?); start the writer first, or give the template on standard input as '-'");
    }

    @Test
    void aFifoWithAWriterIsRead() throws Exception {
        Path fifo = fifo();
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("entrypoint: main\n".getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        assertThat(new String(TemplateFile.read(fifo, InputStream.nullInputStream()), StandardCharsets.UTF_8))
                .isEqualTo("entrypoint: main\n");
        writer.join();
    }

    private Path fifo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")), "mkfifo makes the FIFO");
        Path fifo = tmp.resolve("template.yaml");
        assertThat(new ProcessBuilder("/usr/bin/mkfifo", fifo.toString()).start().waitFor()).isZero();
        return fifo;
    }
}
