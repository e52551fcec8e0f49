package io.onepanel.workflow.template.yaml;

import io.onepanel.workflow.template.ArchiveStrategy;
import io.onepanel.workflow.template.Arguments;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import io.onepanel.workflow.template.HttpSource;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.ParameterOption;
import io.onepanel.workflow.template.RawSource;
import io.onepanel.workflow.template.S3Source;
import io.onepanel.workflow.template.SecretKeyRef;
import io.onepanel.workflow.template.ValueFrom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads parameters and artifacts: of a workflow's arguments, a template's inputs and outputs, a task's arguments. */
final class IoReader {

    private static final Set<String> PARAMETER_FIELDS = Set.of("name", "value", "default", "enum", "valueFrom",
            "globalName", "description", "displayName", "hint", "type", "options", "visibility", "required");
    private static final Set<String> VALUE_FROM_FIELDS = Set.of("path", "parameter", "expression", "default",
            "supplied", "jsonPath", "jqFilter", "event", "configMapKeyRef");
    private static final Set<String> ARTIFACT_FIELDS = Set.of("name", "path", "from", "fromExpression", "mode",
            "optional", "globalName", "subPath", "archive", "s3", "git", "raw", "http");
    private static final Set<String> ARTIFACT_IGNORED = Set.of("archiveLogs", "recurseMode", "deleted", "artifactGC",
            "url");
    /** Artifact stores this tool has no driver for: the artifact would silently go to the default store. */
    private static final List<String> OTHER_STORES = List.of("gcs", "azure", "hdfs", "oss", "artifactory", "plugin");

    Arguments arguments(YamlMap owner, String key) {
        return owner.map(key).map(m -> {
            Arguments a = new Arguments(parameters(m, "arguments"), artifacts(m, "arguments"));
            m.reportUnread("arguments", Set.of("parameters", "artifacts"), Set.of());
            return a;
        }).orElse(Arguments.EMPTY);
    }

    Inputs inputs(YamlMap owner) {
        return owner.map("inputs").map(m -> {
            Inputs i = new Inputs(parameters(m, "inputs"), artifacts(m, "inputs"));
            m.reportUnread("inputs", Set.of("parameters", "artifacts"), Set.of());
            return i;
        }).orElse(Inputs.EMPTY);
    }

    Outputs outputs(YamlMap owner) {
        return owner.map("outputs").map(m -> {
            Outputs o = new Outputs(parameters(m, "outputs"), artifacts(m, "outputs"));
            m.reportUnread("outputs", Set.of("parameters", "artifacts"), Set.of("result", "exitCode"));
            return o;
        }).orElse(Outputs.EMPTY);
    }

    private List<Parameter> parameters(YamlMap owner, String where) {
        List<Parameter> out = new ArrayList<>();
        for (YamlMap p : owner.mapList("parameters")) {
            out.add(parameter(p, where));
        }
        return out;
    }

    private Parameter parameter(YamlMap p, String where) {
        String name = p.text("name");
        if (name == null) {
            p.diagnostics().error(p.position(), "missing-field", "a parameter of " + where + " has no 'name'");
            name = "";
        }
        ValueFrom valueFrom = p.map("valueFrom").map(v -> {
            ValueFrom vf = new ValueFrom(v.text("path"), v.text("parameter"), v.text("expression"), v.text("default"),
                    v.has("supplied") ? v.node("supplied").map(n -> "supplied").orElse(null) : null);
            v.reportUnread("valueFrom of parameter '" + p.text("name", "") + "'", VALUE_FROM_FIELDS, Set.of());
            return vf;
        }).orElse(null);
        List<ParameterOption> options = new ArrayList<>();
        for (YamlMap o : p.mapList("options")) {
            String value = o.text("value");
            String optionName = o.text("name", value);
            options.add(new ParameterOption(optionName, value));
            o.reportUnread("an option of parameter '" + name + "'", Set.of("name", "value"), Set.of());
        }
        Parameter parameter = new Parameter(name, p.text("value"), p.text("default"), p.textList("enum"), valueFrom,
                p.text("globalName"), p.text("description"), p.text("displayName"), p.text("hint"), p.text("type"),
                options, p.text("visibility"), p.bool("required"), p.positionsWithNested("valueFrom"));
        p.reportUnread("parameter '" + name + "'", PARAMETER_FIELDS, Set.of());
        return parameter;
    }

    private List<Artifact> artifacts(YamlMap owner, String where) {
        List<Artifact> out = new ArrayList<>();
        for (YamlMap a : owner.mapList("artifacts")) {
            out.add(artifact(a, where));
        }
        return out;
    }

    private Artifact artifact(YamlMap a, String where) {
        String name = a.text("name");
        if (name == null) {
            a.diagnostics().error(a.position(), "missing-field", "an artifact of " + where + " has no 'name'");
            name = "";
        }
        Artifact artifact = new Artifact(name, a.text("path"), a.text("from"), a.text("fromExpression"),
                a.integer("mode"), Boolean.TRUE.equals(a.bool("optional")), a.text("globalName"), a.text("subPath"),
                archive(a), s3(a), git(a), raw(a), http(a), a.positionsWithNested("s3", "git", "raw", "http"));
        for (String store : OTHER_STORES) {
            a.refuse(store, "artifact '" + name + "' is kept in " + (store.equals("plugin") ? "an artifact plugin's"
                    : store) + " store, which onepanel-workflow cannot reach (it has S3 and the local directory);"
                    + " left as it is, the artifact would go to the default store instead: give it an s3: location"
                    + " (or none, for the default repository)");
        }
        a.reportUnread("artifact '" + name + "'", ARTIFACT_FIELDS, ARTIFACT_IGNORED);
        return artifact;
    }

    private static ArchiveStrategy archive(YamlMap a) {
        return a.map("archive").map(m -> {
            ArchiveStrategy s;
            if (m.has("none")) {
                m.node("none");
                s = ArchiveStrategy.NONE;
            } else if (m.has("tar")) {
                Integer level = m.map("tar").map(t -> {
                    Integer l = t.integer("compressionLevel");
                    t.reportUnread("archive.tar", Set.of("compressionLevel"), Set.of());
                    return l;
                }).orElse(null);
                s = new ArchiveStrategy(ArchiveStrategy.Kind.TAR, level);
            } else if (m.has("zip")) {
                m.node("zip");
                s = new ArchiveStrategy(ArchiveStrategy.Kind.ZIP, null);
            } else {
                m.diagnostics().error(m.position(), "missing-field", "'archive' must name one of none, tar, zip");
                s = null;
            }
            m.reportUnread("archive", Set.of("none", "tar", "zip"), Set.of());
            return s;
        }).orElse(null);
    }

    private static S3Source s3(YamlMap a) {
        return a.map("s3").map(m -> {
            S3Source s = new S3Source(m.text("endpoint"), m.text("bucket"), m.text("region"), m.bool("insecure"),
                    m.text("key"), secret(m, "accessKeySecret"), secret(m, "secretKeySecret"), m.bool("useSDKCreds"));
            m.reportUnread("s3", Set.of("endpoint", "bucket", "region", "insecure", "key", "accessKeySecret",
                    "secretKeySecret", "useSDKCreds"), Set.of("roleARN", "encryptionOptions", "createBucketIfNotPresent",
                    "caSecret", "sessionTokenSecret"));
            return s;
        }).orElse(null);
    }

    private static GitSource git(YamlMap a) {
        return a.map("git").map(m -> {
            GitSource g = new GitSource(m.text("repo"), m.text("revision"), m.integer("depth"), m.textList("fetch"),
                    m.text("branch"), Boolean.TRUE.equals(m.bool("singleBranch")),
                    Boolean.TRUE.equals(m.bool("disableSubmodules")), Boolean.TRUE.equals(m.bool("insecureIgnoreHostKey")),
                    secret(m, "usernameSecret"), secret(m, "passwordSecret"), secret(m, "sshPrivateKeySecret"));
            m.reportUnread("git", Set.of("repo", "revision", "depth", "fetch", "branch", "singleBranch",
                    "disableSubmodules", "insecureIgnoreHostKey", "usernameSecret", "passwordSecret",
                    "sshPrivateKeySecret"), Set.of("insecureSkipTLS"));
            return g;
        }).orElse(null);
    }

    private static RawSource raw(YamlMap a) {
        return a.map("raw").map(m -> {
            RawSource r = new RawSource(m.text("data", ""));
            m.reportUnread("raw", Set.of("data"), Set.of());
            return r;
        }).orElse(null);
    }

    private static HttpSource http(YamlMap a) {
        return a.map("http").map(m -> {
            Map<String, String> headers = new LinkedHashMap<>();
            for (YamlMap h : m.mapList("headers")) {
                headers.put(h.text("name", ""), h.text("value", ""));
                h.reportUnread("an http header", Set.of("name", "value"), Set.of());
            }
            HttpSource s = new HttpSource(m.text("url"), headers);
            m.reportUnread("http", Set.of("url", "headers"), Set.of("auth"));
            return s;
        }).orElse(null);
    }

    private static SecretKeyRef secret(YamlMap owner, String key) {
        return owner.map(key).map(m -> {
            SecretKeyRef r = new SecretKeyRef(m.text("name"), m.text("key"));
            m.reportUnread(key, Set.of("name", "key"), Set.of("optional"));
            return r;
        }).orElse(null);
    }
}
