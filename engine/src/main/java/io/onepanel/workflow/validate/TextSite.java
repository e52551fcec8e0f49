package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.SourcePosition;

/**
 * A piece of template text that may hold {@code {{...}}} tags, where it is, and what it is (for
 * messages: "the args of template 'x'").
 *
 * @param reference whether the text names an artifact ({@code from}) rather than being text
 */
record TextSite(String text, SourcePosition at, String what, boolean reference) {

    TextSite(String text, SourcePosition at, String what) {
        this(text, at, what, false);
    }
}
