package dev.flotilla.lb.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A client of HAProxy's Runtime API (the "stats socket" with {@code level admin}) over its unix
 * socket: one connection per command, the way {@code socat} scripts use it, so no session state
 * (prompt mode, a half-read answer) can leak from one command to the next.
 *
 * <p>HAProxy answers in free text, with errors on the same channel as results; every typed method
 * here knows its command's success answer and throws a {@link HaproxyRuntimeException} with a
 * {@link HaproxyRuntimeException.Kind} for anything else. Names of backends and servers are checked
 * against HAProxy's own rule (letters, digits, {@code . _ : -}) before anything is sent, so no
 * argument can smuggle a second command in ({@code ;} separates commands). Thread-safe (stateless).
 * Written against HAProxy 2.6 (Debian 12); dynamic servers need 2.4 or later.
 */
public final class HaproxyRuntimeApi {
    /** HAProxy's rule for proxy and server names (its {@code invalid_char()}). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]+");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The states {@code set server <backend>/<server> state} accepts. */
    public enum AdminState {
        /** Back to normal: leaves drain and maintenance. */
        READY,
        /** No new traffic except persistent sessions; current connections go on. */
        DRAIN,
        /** No traffic at all; current connections go on until they end. */
        MAINT
    }

    private final Path socket;
    private final Duration timeout;

    /** A client of the socket at {@code socket}, waiting up to 5 s for each answer. */
    public HaproxyRuntimeApi(Path socket) {
        this(socket, DEFAULT_TIMEOUT);
    }

    /** A client of the socket at {@code socket}, waiting up to {@code timeout} for each answer. */
    public HaproxyRuntimeApi(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("HAProxy Runtime API timeout must be positive, not " + timeout);
        }
    }

    /** The socket's path. */
    public Path socket() {
        return socket;
    }

    /**
     * Sends one command and returns HAProxy's whole answer, without its trailing blank lines; an
     * error answer is returned like any other (the typed methods tell them apart).
     *
     * @throws HaproxyRuntimeException of kind UNREACHABLE when the socket cannot be used or HAProxy
     *     does not finish its answer in time
     * @throws IllegalArgumentException when {@code command} spans lines
     */
    public String execute(String command) {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an HAProxy Runtime API command is one line: '" + command + "'");
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = StandardCharsets.UTF_8.encode(command + "\n");
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + timeout.toNanos();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw HaproxyRuntimeException.unreachable(socket.toString(), command,
                            "no complete answer within " + timeout.toMillis() + " ms", null);
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                int read;
                while ((read = channel.read(buffer)) > 0) {
                    answer.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                if (read < 0) {
                    break; // HAProxy closes the connection after answering a non-interactive command
                }
            }
            return answer.toString(StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw HaproxyRuntimeException.unreachable(socket.toString(), command, e.getMessage(), e);
        }
    }

    /**
     * {@code show servers state BACKEND}: the backend's servers in HAProxy's order, those from the
     * configuration file and those added at run time alike.
     */
    public List<HaproxyServer> showServersState(String backend) {
        String command = "show servers state " + name("backend", backend);
        String answer = execute(command);
        String[] lines = answer.split("\n");
        if (lines.length < 2 || !lines[0].strip().equals("1") || !lines[1].startsWith("# ")) {
            throw HaproxyRuntimeException.refused(socket.toString(), command, answer);
        }
        List<String> header = Arrays.asList(lines[1].substring(2).strip().split("\\s+"));
        int name = column(header, "srv_name", command, answer);
        int address = column(header, "srv_addr", command, answer);
        int port = column(header, "srv_port", command, answer);
        int op = column(header, "srv_op_state", command, answer);
        int admin = column(header, "srv_admin_state", command, answer);
        List<HaproxyServer> servers = new ArrayList<>();
        for (int i = 2; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] fields = lines[i].strip().split("\\s+");
            servers.add(new HaproxyServer(fields[name], fields[address], Integer.parseInt(fields[port]),
                    Integer.parseInt(fields[op]), Integer.parseInt(fields[admin])));
        }
        return servers;
    }

    /**
     * {@code show servers conn BACKEND}: per server name, the connections in use right now
     * ({@code used_cur}); idle connections kept for reuse are not counted.
     */
    public Map<String, Integer> usedConnections(String backend) {
        String command = "show servers conn " + name("backend", backend);
        String answer = execute(command);
        String[] lines = answer.split("\n");
        if (lines.length < 1 || !lines[0].startsWith("# ")) {
            throw HaproxyRuntimeException.refused(socket.toString(), command, answer);
        }
        List<String> header = Arrays.asList(lines[0].substring(2).strip().split("\\s+"));
        int used = column(header, "used_cur", command, answer);
        Map<String, Integer> connections = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] fields = lines[i].strip().split("\\s+");
            String server = fields[0].substring(fields[0].indexOf('/') + 1);
            connections.put(server, Integer.parseInt(fields[used]));
        }
        return connections;
    }

    /**
     * {@code add server BACKEND/SERVER ADDRESS:PORT}: a dynamic server, which HAProxy creates in
     * maintenance ({@link #enableServer} puts it in service).
     *
     * @param address an IP address (IPv6 without brackets is fine)
     */
    public void addServer(String backend, String server, String address, int port) {
        String command = "add server " + target(backend, server) + " " + hostPort(address, port);
        expect(command, "New server registered.");
    }

    /** {@code enable server BACKEND/SERVER}: out of forced maintenance. */
    public void enableServer(String backend, String server) {
        expectEmpty("enable server " + target(backend, server));
    }

    /** {@code set server BACKEND/SERVER state ready|drain|maint}. */
    public void setServerState(String backend, String server, AdminState state) {
        expectEmpty("set server " + target(backend, server) + " state " + state.name().toLowerCase(Locale.ROOT));
    }

    /** {@code set server BACKEND/SERVER addr ADDRESS port PORT}: where HAProxy connects from now on. */
    public void setServerAddress(String backend, String server, String address, int port) {
        checkAddress(address);
        String command = "set server " + target(backend, server) + " addr " + address + " port " + port;
        String answer = execute(command);
        // "IP changed from ... port changed from ..." or "no need to change the addr" (and its port variant)
        if (!answer.startsWith("IP changed") && !answer.startsWith("no need to change")
                && !answer.startsWith("port changed")) {
            throw HaproxyRuntimeException.refused(socket.toString(), command, answer);
        }
    }

    /**
     * {@code del server BACKEND/SERVER}: HAProxy refuses unless the server is in maintenance
     * ({@link HaproxyRuntimeException.Kind#NOT_IN_MAINTENANCE}) and has no connection left
     * ({@link HaproxyRuntimeException.Kind#STILL_HAS_CONNECTIONS}).
     */
    public void deleteServer(String backend, String server) {
        expect("del server " + target(backend, server), "Server deleted.");
    }

    private void expect(String command, String success) {
        String answer = execute(command);
        if (!answer.strip().equals(success)) {
            throw HaproxyRuntimeException.refused(socket.toString(), command, answer);
        }
    }

    private void expectEmpty(String command) {
        String answer = execute(command);
        if (!answer.isBlank()) {
            throw HaproxyRuntimeException.refused(socket.toString(), command, answer);
        }
    }

    private int column(List<String> header, String name, String command, String answer) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw HaproxyRuntimeException.refused(socket.toString(), command, answer);
        }
        return index;
    }

    private static String target(String backend, String server) {
        return name("backend", backend) + "/" + name("server", server);
    }

    static String name(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("HAProxy " + what + " name '" + name
                    + "' is not valid: use letters, digits, '.', '_', ':' and '-'");
        }
        return name;
    }

    private static String hostPort(String address, int port) {
        checkAddress(address);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }

    private static void checkAddress(String address) {
        if (address == null || !address.matches("[0-9A-Fa-f.:]+")) {
            throw new IllegalArgumentException("'" + address + "' is not an IP address");
        }
    }
}
