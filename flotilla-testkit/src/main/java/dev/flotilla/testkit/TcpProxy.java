package dev.flotilla.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy a test owns, to cut one client off from a server while others still reach it: it
 * listens on a free loopback port and forwards every connection to the target. {@link #blackhole()}
 * makes it a network partition as TCP sees one: connections (new ones too) are still accepted, but
 * not a byte goes through in either direction, so the client's requests wait for answers that never
 * come (nothing is refused or reset, which a client would notice at once). {@link #restore()} lets
 * the bytes held back flow again, as a healed link does. {@link #dropConnections()} closes every
 * connection, as a middlebox losing its state would.
 *
 * <pre>
 * TcpProxy proxy = TcpProxy.to("127.0.0.1", etcd.clientPort());
 * agentWith("--etcd", proxy.url("http"));
 * proxy.blackhole();   // the agent is cut off from etcd; everyone else is not
 * proxy.restore();
 * </pre>
 *
 * Each connection uses two platform threads (the proxy is for a handful of clients). Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean open = true; // guarded by gate
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort, ServerSocket server) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("tcp-proxy-" + server.getLocalPort()).unstarted(this::accept);
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1 that forwards to {@code host:port}.
     *
     * @throws IllegalStateException when it cannot listen
     */
    public static TcpProxy to(String host, int port) {
        Objects.requireNonNull(host, "host");
        for (int attempt = 1; ; attempt++) {
            ServerSocket server = null;
            try {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()));
                TcpProxy proxy = new TcpProxy(host, port, server);
                proxy.acceptor.start();
                return proxy;
            } catch (IOException e) {
                closeQuietly(server);
                if (attempt == 5) {
                    throw new IllegalStateException("cannot listen for a proxy to " + host + ":" + port, e);
                }
            }
        }
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return server.getLocalPort();
    }

    /** Its address as a URL of {@code scheme}: {@code http://127.0.0.1:PORT}. */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    /** Stops every byte in both directions, on the connections open now and on those accepted later. */
    public void blackhole() {
        synchronized (gate) {
            open = false;
        }
    }

    /** Lets bytes flow again, those held back first. */
    public void restore() {
        synchronized (gate) {
            open = true;
            gate.notifyAll();
        }
    }

    /** Whether it is black-holed now. */
    public boolean isBlackholed() {
        synchronized (gate) {
            return !open;
        }
    }

    /** Closes every connection (both sides); new ones are still accepted. */
    public void dropConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        dropConnections();
        restore(); // wakes the pumps, which then find their sockets closed
    }

    @Override
    public String toString() {
        return "TcpProxy[127.0.0.1:" + port() + " -> " + targetHost + ":" + targetPort + (isBlackholed() ? ", black-holed]" : "]");
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            String name = "tcp-proxy-" + port() + "-" + client.getPort();
            Thread.ofPlatform().daemon().name(name + "-up").start(() -> pump(client, upstream));
            Thread.ofPlatform().daemon().name(name + "-down").start(() -> pump(upstream, client));
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                awaitOpen();
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                awaitOpen();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // closed by the other pump, dropConnections() or close()
        } catch (IOException e) {
            // the connection broke
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitOpen() throws InterruptedException, SocketException {
        synchronized (gate) {
            while (!open && !closed) {
                gate.wait();
            }
        }
        if (closed) {
            throw new SocketException("proxy closed");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
