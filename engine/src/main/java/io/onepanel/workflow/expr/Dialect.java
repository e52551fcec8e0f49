package io.onepanel.workflow.expr;

/** The two expression languages an Argo template speaks. */
public enum Dialect {
    /**
     * The language of {@code when}: govaluate, as Argo drives it. Argo substitutes {@code {{...}}} tags first and
     * then turns every bare identifier into a string, so {@code heads == heads} compares two strings. Numbers are
     * floating point. The result must be a boolean.
     */
    WHEN,
    /**
     * The language of {@code {{=...}}} tags: the subset of expr-lang that Argo templates use, over the variables
     * in scope, with a fixed allow-list of functions.
     */
    EXPR
}
