package io.onepanel.workflow.validate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CorpusScanTest {
    @Test
    void scan() throws Exception {
        Path root = Path.of("../../../shared/corpus");
        if (!Files.isDirectory(root)) root = Path.of("/work/shared/corpus");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                var r = Validation.engine().load(f.getFileName().toString(), Files.readString(f));
                r.diagnostics().forEach(d -> System.out.println("SCAN " + d));
            }
        }
    }
}
