package io.onepanel.workflow.template;

import static io.onepanel.workflow.validate.Validation.findings;
import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.validate.Validation;

import io.onepanel.workflow.engine.LoadResult;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input meant to exhaust the machine is refused with a clear message, before it can. */
class HostileInputTest {

    @Test
    void aFiftyMegabyteFileIsRefusedWithoutBeingRead(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50L * 1024 * 1024); // sparse: refused by its size alone
        }
        LoadResult r = Validation.engine().load(big);
        assertThat(r.workflow()).isNull();
        assertThat(r.diagnostics()).singleElement().asString().isEqualTo(big + ":1:1: error: the file is 52428800"
                + " bytes; templates are limited to 33554432 (32 MiB) [file-too-large]");
    }

    @Test
    void fiftyMegabytesOfTextAreRefusedBeforeParsing() {
        String text = "a: " + "x".repeat(50 * 1024 * 1024);
        assertThat(findings(text)).containsExactly("1:1: error: the file has 52428803 characters; templates are"
                + " limited to 33554432 (32 MiB)");
    }

    @Test
    void tooManyAliasesAreRefused() {
        StringBuilder b = new StringBuilder("a: &a [x]\nb: [");
        for (int i = 0; i < 101; i++) {
            b.append("*a, ");
        }
        b.append("]\n");
        assertThat(findings(b.toString())).singleElement().asString().endsWith("too many YAML aliases (more than"
                + " 100); alias expansion is limited to stop 'billion laughs' documents");
    }

    @Test
    void anAliasBombIsRefusedBeforeItIsExpanded() {
        assertThat(findings("""
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - name: a
                      template: echo
                      withItems: *i
                - name: echo
                  container: {image: alpine}
                """)).containsExactly("7:4: error: this value's YAML aliases expand to more than 1000000 values;"
                + " alias expansion is limited to stop 'billion laughs' documents");
    }

    /** Refused where the level one too many opens: the 201st '[', not 1:1. */
    @Test
    void tenThousandLevelsOfNestingAreRefused() {
        String text = "a: " + "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(findings(text)).containsExactly("1:204: error: the YAML is nested too deeply (more than 200"
                + " levels)");
    }

    @Test
    void aThousandLevelsOfBlockNestingAreRefused() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            b.append(" ".repeat(i)).append("k:\n");
        }
        assertThat(findings(b.toString())).containsExactly("201:201: error: the YAML is nested too deeply (more than"
                + " 200 levels)");
    }

    @Test
    void aControlCharacterIsReportedAtItsLineAndColumn() {
        assertThat(findings("entrypoint: main\ntemplates:\n- name: ma\u0000in\n")).containsExactly("3:11: error: the"
                + " file holds U+0000, a control character, which YAML does not allow in a document; is this a"
                + " binary file? (a template is UTF-8 text)");
    }
}
