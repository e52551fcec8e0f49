package io.onepanel.workflow.validate;

import io.onepanel.workflow.diagnostics.Diagnostics;
import io.onepanel.workflow.diagnostics.SourcePosition;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.ValueFrom;
import java.util.Collection;

/**
 * Where each output parameter's value comes from, as Argo's {@code validateOutputs} and
 * {@code validateOutputParameter} require it and as its controller reads it:
 * <ul>
 *   <li>a {@code value} or a {@code valueFrom}, never both;
 *   <li>a container or script template: {@code valueFrom.path}, or a {@code value}, which is the
 *       output as the template's text substitution leaves it (the executor reports it as written);
 *   <li>a DAG template: {@code valueFrom.parameter} or {@code valueFrom.expression}, one of them.
 *       Argo's validation lets a DAG output's {@code value} through, but its controller fails the DAG
 *       when it ends ("output parameters must have a valueFrom specified"); so it is an error here.
 * </ul>
 */
final class OutputParameterCheck {

    private final Diagnostics out;

    OutputParameterCheck(Diagnostics out) {
        this.out = out;
    }

    void check(Collection<Template> templates) {
        for (Template t : templates) {
            if (!t.type().runsPod() && t.dag() == null) {
                continue; // a template type that does not run here has its one error already
            }
            for (Parameter p : t.outputs().parameters()) {
                check(t, p);
            }
        }
    }

    private void check(Template t, Parameter p) {
        String what = "output parameter '" + p.name() + "' of template '" + t.name() + "'";
        ValueFrom from = p.valueFrom();
        SourcePosition at = p.positions().has("valueFrom") ? p.positions().of("valueFrom") : p.positions().start();
        if (from != null && p.value() != null) {
            out.error(at, "output-value", what + " has both a value and a valueFrom, which Argo refuses; keep one");
            return;
        }
        if (t.dag() != null) {
            dag(what, p, from, at);
        } else if (from == null && p.value() == null) {
            out.error(p.positions().start(), "missing-field", what + " says nowhere where its value comes from;"
                    + " expected valueFrom.path (a file the container writes) or a value");
        } else if (from != null && from.path() == null) {
            out.error(at, "output-value", what + ": a " + t.type().key() + " template's output comes from a file:"
                    + " expected valueFrom.path" + (from.parameter() != null || from.expression() != null
                            ? " (valueFrom.parameter and valueFrom.expression are for DAG and steps templates)" : ""));
        }
    }

    private void dag(String what, Parameter p, ValueFrom from, SourcePosition at) {
        if (from == null && p.value() != null) {
            out.error(p.positions().of("value"), "output-value", what + " is a DAG's output with a value but no"
                    + " valueFrom: Argo accepts the template, then fails the DAG when it ends (\"output parameters"
                    + " must have a valueFrom specified\"); write valueFrom: {parameter: '" + p.value() + "'}");
        } else if (from == null) {
            out.error(p.positions().start(), "missing-field", what + " says nowhere where its value comes from;"
                    + " expected valueFrom.parameter (such as {{tasks.A.outputs.result}}) or valueFrom.expression");
        } else if (from.parameter() != null && from.expression() != null) {
            out.error(at, "output-value", what + " has both valueFrom.parameter and valueFrom.expression, which"
                    + " Argo refuses; keep one");
        } else if (from.parameter() == null && from.expression() == null) {
            out.error(at, "output-value", what + ": a DAG's output comes from its tasks: expected"
                    + " valueFrom.parameter (such as {{tasks.A.outputs.result}}) or valueFrom.expression"
                    + (from.path() != null ? " (valueFrom.path is for container and script templates)" : ""));
        }
    }
}
