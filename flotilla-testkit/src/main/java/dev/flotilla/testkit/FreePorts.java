package dev.flotilla.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out TCP ports on 127.0.0.1 that nothing listens on, never the same port twice in one JVM.
 *
 * <p>Ports are picked at random below the kernel's ephemeral range (where outgoing connections
 * take their local ports), then checked by binding them once. Another process may still take a
 * port between the check and its use; {@link EtcdServer} retries a first start on fresh ports
 * when that happens. Thread-safe.
 */
public final class FreePorts {
    private static final int LOW = 15_000;
    private static final int HIGH = 32_000; // Linux's default ephemeral range starts at 32768
    private static final int ATTEMPTS = 1_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /**
     * A loopback port that was free when checked and was not handed out before in this JVM.
     *
     * @throws IllegalStateException when no free port is found after many attempts
     */
    public static synchronized int next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = random.nextInt(LOW, HIGH);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in " + LOW + "-" + HIGH);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
