package io.onepanel.workflow.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shared corpus and its INDEX.tsv. The build points {@code onepanel.corpus} at
 * {@code ../shared/corpus} beside the repository; a git worktree sits one level deeper, so when that
 * path does not exist the nearest ancestor's {@code shared/corpus} is used. The corpus is not part
 * of the repository: where it is absent, tests marked {@link NeedsCorpus} are left out.
 */
public final class CorpusFiles {

    /** One row of INDEX.tsv. */
    public record Entry(String file, String features, String expectedOutcome) {
        public String entry() {
            for (String f : features.split(",")) {
                if (f.startsWith("entry:")) {
                    return f.substring("entry:".length());
                }
            }
            return "none";
        }

        @Override
        public String toString() {
            return file;
        }
    }

    private CorpusFiles() {}

    public static Path root() {
        return find().orElseThrow(() -> new AssertionError(whereLooked()));
    }

    /** The corpus directory, if this machine has one where the build looks. */
    public static Optional<Path> find() {
        String configured = System.getProperty("onepanel.corpus");
        if (configured != null && Files.isRegularFile(Path.of(configured, "INDEX.tsv"))) {
            return Optional.of(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("corpus");
            if (Files.isRegularFile(candidate.resolve("INDEX.tsv"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Where {@link #find} looked, for the line that says the corpus tests are left out. */
    static String whereLooked() {
        String configured = System.getProperty("onepanel.corpus");
        return "no corpus at " + (configured == null ? "-Donepanel.corpus (unset)"
                : Path.of(configured).toAbsolutePath().normalize()) + " nor shared/corpus/INDEX.tsv in any parent of "
                + Path.of("").toAbsolutePath();
    }

    public static Path file(String name) {
        return root().resolve(name);
    }

    public static List<Entry> index() {
        try {
            List<Entry> out = new ArrayList<>();
            for (String line : Files.readAllLines(root().resolve("INDEX.tsv"))) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("file") || f[0].isBlank()) {
                    continue;
                }
                out.add(new Entry(f[0], f.length > 4 ? f[4] : "", f.length > 5 ? f[5] : ""));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
