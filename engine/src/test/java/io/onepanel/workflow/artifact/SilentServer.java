package io.onepanel.workflow.artifact;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A server on 127.0.0.1 that accepts connections and then says nothing (or, given a start, says
 * that much and then nothing more, or trickles a byte now and then): what a hung or hostile host
 * looks like to a fetch. Connections stay open until {@link #close()}.
 */
public final class SilentServer implements AutoCloseable {

    /** What the server says on each connection before it falls silent. */
    public enum Manner { SILENT, HEADERS_THEN_SILENT, TRICKLE }

    private final ServerSocket socket;
    private final Manner manner;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch accepted = new CountDownLatch(1);
    private final Thread acceptor;

    public SilentServer(Manner manner) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.manner = manner;
        this.acceptor = new Thread(this::accept, "silent-server");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    /** Opens once the first connection has been accepted. */
    public CountDownLatch accepted() {
        return accepted;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                accepted.countDown();
                if (manner != Manner.SILENT) {
                    Thread talker = new Thread(() -> talk(s), "silent-server-talker");
                    talker.setDaemon(true);
                    talker.start();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void talk(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nfirst bytes".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (manner == Manner.TRICKLE && !s.isClosed()) {
                Thread.sleep(100);
                out.write('x');
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
