package io.onepanel.workflow.cli;

/** How a command prints its result: for people, or as one JSON document for tools. */
enum OutputFormat {
    text,
    json
}
