package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContainerPathTest {

    static ContainerPath path(String raw) throws LocalRuntimeException {
        return ContainerPath.parse(raw, "output artifact 'x'");
    }

    @Test
    void anAbsolutePathIsNormalised() throws Exception {
        assertThat(path("/tmp//out/./dir/").value()).isEqualTo("/tmp/out/dir");
        assertThat(path("/").isRoot()).isTrue();
        assertThat(path("//.").isRoot()).isTrue();
    }

    @Test
    void aRelativePathIsRejectedNamingWhatDeclaredIt() {
        assertThatThrownBy(() -> path("out/file")).isInstanceOf(LocalRuntimeException.class)
                .hasMessage("output artifact 'x': path 'out/file' is not absolute; paths in a container must start"
                        + " with '/'");
        assertThatThrownBy(() -> path("")).hasMessage("output artifact 'x' has no path");
    }

    @Test
    void dotDotIsRejectedAnywhereEvenWhereItWouldStayInside() {
        assertThatThrownBy(() -> path("/tmp/../etc/passwd")).hasMessageContaining("contains '..'");
        assertThatThrownBy(() -> path("/tmp/a/../b")).hasMessageContaining("contains '..'");
        assertThatThrownBy(() -> path("/..")).hasMessageContaining("contains '..'");
    }

    @Test
    void dotsInsideNamesAreFine() throws Exception {
        assertThat(path("/tmp/..hidden/a..b").value()).isEqualTo("/tmp/..hidden/a..b");
    }

    @Test
    void aNulCharacterIsRejected() {
        assertThatThrownBy(() -> path("/tmp/a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void withinMeansTheSamePathOrBelowItSegmentBySegment() throws Exception {
        assertThat(path("/mnt/data/x").isWithin(path("/mnt/data"))).isTrue();
        assertThat(path("/mnt/data").isWithin(path("/mnt/data"))).isTrue();
        assertThat(path("/mnt/database").isWithin(path("/mnt/data"))).isFalse();
        assertThat(path("/anything").isWithin(ContainerPath.ROOT)).isTrue();
        assertThat(path("/mnt/data/x/y").relativeTo(path("/mnt/data"))).isEqualTo("x/y");
        assertThat(path("/mnt/data").relativeTo(path("/mnt/data"))).isEmpty();
        assertThat(path("/mnt").relativeTo(ContainerPath.ROOT)).isEqualTo("mnt");
    }

    @Test
    void depthParentAndName() throws Exception {
        assertThat(path("/a/b/c").depth()).isEqualTo(3);
        assertThat(ContainerPath.ROOT.depth()).isZero();
        assertThat(path("/a/b/c").parent()).isEqualTo(path("/a/b"));
        assertThat(path("/a").parent()).isEqualTo(ContainerPath.ROOT);
        assertThat(path("/a/model.h5").fileName()).isEqualTo("model.h5");
    }
}
