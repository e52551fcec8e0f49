package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.presign.Plans;
import io.onepanel.workflow.artifact.presign.Stager;
import io.onepanel.workflow.template.Artifact;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The Jenkins agent's half of keyless staging, in a JVM of its own: what the plugin's
 * {@code AgentStaging.PresignedStore} does on the agent, with the same {@link Stager} settings, and
 * the controller's calls (sign the uploads, complete them) made over stdin and stdout instead of
 * Jenkins remoting. Java serialization of the {@link Plans} records, as remoting does.
 *
 * <pre>
 * PresignAgent down PLAN_FILE TARGET PARALLELISM   (the plan was signed before the agent started)
 * PresignAgent up SOURCE PARALLELISM               (prints "manifest ...", reads "plan ...",
 *                                                   prints "receipt ...", reads "completed")
 * </pre>
 * Prints {@code transferred} once the last byte has moved (and, up, the controller completed).
 */
public final class PresignAgent {

    private PresignAgent() {}

    public static void main(String[] args) throws Exception {
        boolean up = args[0].equals("up");
        int parallelism = Integer.parseInt(args[up ? 2 : 3]);
        BufferedReader controller = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Stager transfers = new Stager(parallelism, 3)) {
            if (up) {
                Path source = Path.of(args[1]);
                Artifact output = artifact("out", source);
                try (Stager.PreparedUpload prepared = transfers.prepare(output, source)) {
                    System.out.println("manifest " + encode(prepared.manifest()));
                    Plans.UploadPlan plan = decode(expect(controller, "plan "), Plans.UploadPlan.class);
                    Plans.UploadReceipt receipt = transfers.upload(plan, prepared, TransferListener.NONE);
                    System.out.println("receipt " + encode(receipt));
                    expect(controller, "completed");
                }
            } else {
                Plans.DownloadPlan plan = decode(Files.readString(Path.of(args[1])).strip(), Plans.DownloadPlan.class);
                Path target = Path.of(args[2]);
                transfers.fetch(plan, artifact("in", target), target, TransferListener.NONE);
            }
        }
        System.out.println("transferred");
        System.out.flush();
        System.exit(0);
    }

    static Artifact artifact(String name, Path path) {
        return new Artifact(name, path.toString(), null, null, null, false, null, null, null, null, null, null, null,
                null);
    }

    private static String expect(BufferedReader in, String prefix) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IOException("the controller said " + line + ", not " + prefix.strip());
        }
        return line.substring(prefix.length());
    }

    static String encode(Serializable value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static <T> T decode(String text, Class<T> type) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(text)))) {
            return type.cast(in.readObject());
        }
    }
}
