package io.onepanel.workflow.artifact;

import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.HttpSource;
import io.onepanel.workflow.template.RawSource;
import io.onepanel.workflow.template.S3Source;
import java.util.ArrayList;
import java.util.List;

/** Artifacts as templates declare them, for tests. */
public final class TestArtifacts {

    private TestArtifacts() {}

    public static Artifact s3(String name, String path, String key) {
        return artifact(name, path, false, null, key == null ? null : S3Source.key(key));
    }

    public static Artifact s3(String name, String path, S3Source s3) {
        return artifact(name, path, false, null, s3);
    }

    /** An output with no location: it goes to the default repository under its key format. */
    public static Artifact output(String name, String path) {
        return artifact(name, path, false, null, null);
    }

    public static Artifact optional(Artifact a) {
        return new Artifact(a.name(), a.path(), a.from(), a.fromExpression(), a.mode(), true, a.globalName(),
                a.subPath(), a.archive(), a.s3(), a.git(), a.raw(), a.http(), a.positions());
    }

    public static Artifact archived(Artifact a, ArchiveStrategy archive) {
        return ArtifactRepository.withArchive(a, archive);
    }

    public static Artifact artifact(String name, String path, boolean optional, ArchiveStrategy archive, S3Source s3) {
        return new Artifact(name, path, null, null, null, optional, null, null, archive, s3, null, null, null, null);
    }

    public static Artifact git(String name, String path, GitSource git) {
        return new Artifact(name, path, null, null, null, false, null, null, null, null, git, null, null, null);
    }

    public static Artifact raw(String name, String path, String data) {
        return new Artifact(name, path, null, null, null, false, null, null, null, null, null, new RawSource(data), null,
                null);
    }

    public static Artifact http(String name, String path, HttpSource http) {
        return new Artifact(name, path, null, null, null, false, null, null, null, null, null, null, http, null);
    }

    /** A listener that keeps every event. */
    public static final class Recorder implements TransferListener {
        public final List<TransferProgress> events = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void progress(TransferProgress progress) {
            events.add(progress);
        }

        public TransferProgress last() {
            return events.get(events.size() - 1);
        }
    }
}
