package io.onepanel.workflow.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under src/test/resources/io/onepanel/workflow/pod/. Rewrite them after a deliberate
 * change with {@code -Dgolden.update=true}, then review the diff.
 */
final class Golden {

    private Golden() {}

    private static final Path DIR = Path.of(System.getProperty("user.dir"), "src/test/resources/io/onepanel/workflow/pod");

    static void assertMatches(String name, String actual) throws IOException {
        Path file = DIR.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(DIR);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail("no golden file " + file + "; run with -Dgolden.update=true and review it");
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
