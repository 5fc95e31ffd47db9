package dev.flotilla.lb.haproxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.lb.BackendAddress;

/**
 * Keeps one backend of an external HAProxy in step with a {@link dev.flotilla.lb.BackendSource},
 * through HAProxy's Runtime API (dynamic servers, HAProxy 2.4 or later; the backend must use a
 * dynamic balance algorithm such as {@code roundrobin} or {@code leastconn}, not {@code static-rr}).
 * This is what {@code flotilla lb --sync-haproxy SOCKET --backend NAME} runs: HAProxy carries the
 * traffic, Flotilla only tells it where the backends are.
 *
 * <p>{@link #apply} makes the backend's servers match the passing backends of a list:
 * <ul>
 *   <li>a passing backend without a server gets one, named {@link #serverName(String)} of its id:
 *       {@code add server}, then {@code enable server} (HAProxy adds servers in maintenance);</li>
 *   <li>a server whose backend is still there and passing is put back to {@code ready} if it was
 *       draining or in maintenance, and moved with {@code set server ... addr} if its address changed;</li>
 *   <li>a server whose backend vanished or fails is drained ({@code state drain}: no new traffic),
 *       and once HAProxy reports no connection in use on it, put in maintenance and deleted. While
 *       connections remain (or HAProxy refuses the delete because some are still attached), the
 *       server stays drained or in maintenance and the removal is tried again later.</li>
 * </ul>
 * Only servers whose names start with {@value #PREFIX} are touched: servers written in HAProxy's
 * configuration file (or added by anyone else) are left exactly as they are, whatever their state,
 * and traffic keeps going to them as HAProxy decides.
 *
 * <p>The last list given is re-applied every {@code interval} (2 s by default) by a background
 * thread: pending removals finish once their connections end, a failed apply is retried, and a
 * reloaded HAProxy (which forgets dynamic servers) gets them back. Host names are resolved at each
 * apply; HAProxy is given the address. {@link #close()} stops that thread and leaves HAProxy's
 * servers as they are (traffic keeps flowing while the balancer is away). Thread-safe.
 */
public final class HaproxySync implements AutoCloseable {
    /** The prefix of every server name this class manages. */
    public static final String PREFIX = "flotilla-";
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._:-]");
    private static final int MAX_NAME = 64;
    private static final Logger LOG = LoggerFactory.getLogger(HaproxySync.class);

    private final HaproxyRuntimeApi api;
    private final String backend;
    private final ScheduledExecutorService retries;
    private List<BackendAddress> last; // guarded by this; null until the first apply
    private Set<String> pendingRemovals = Set.of(); // guarded by this
    private String lastBackgroundFailure; // guarded by this

    /**
     * Syncs backend {@code backendName} of the HAProxy whose Runtime API socket (a {@code stats
     * socket ... level admin}) is {@code runtimeApiSocket}; nothing is sent until {@link #apply}.
     *
     * @throws IllegalArgumentException when {@code backendName} is not a valid HAProxy name
     */
    public HaproxySync(Path runtimeApiSocket, String backendName) {
        this(new HaproxyRuntimeApi(runtimeApiSocket), backendName, DEFAULT_INTERVAL);
    }

    /** As {@link #HaproxySync(Path, String)}, with its own client and re-apply interval. */
    public HaproxySync(HaproxyRuntimeApi api, String backendName, Duration interval) {
        this.api = Objects.requireNonNull(api, "api");
        this.backend = HaproxyRuntimeApi.name("backend", backendName);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("HAProxy sync interval must be positive, not " + interval);
        }
        this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("haproxy-sync-" + backendName).factory());
        retries.scheduleWithFixedDelay(this::reapply, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Makes the backend's {@value #PREFIX} servers match the passing backends of {@code backends}
     * (the full current list, as a {@link dev.flotilla.lb.BackendSource} reports it) and remembers
     * the list for the background re-applies. Idempotent: applying the same list again sends only
     * {@code show} commands (plus whatever a pending removal still needs).
     *
     * @throws HaproxyRuntimeException when HAProxy cannot be reached or refuses a change (for example
     *     {@code NO_SUCH_BACKEND}); the list is kept and re-applied in the background all the same,
     *     so a caller may log the error and go on
     */
    public synchronized void apply(List<BackendAddress> backends) {
        last = List.copyOf(backends);
        sync(last);
    }

    /** Names of servers drained or in maintenance, waiting for their connections to end before deletion. */
    public synchronized Set<String> pendingRemovals() {
        return pendingRemovals;
    }

    /**
     * The backend's servers as HAProxy reports them now, Flotilla's and the others; a cheap way to
     * check at startup that the socket answers and the backend exists.
     *
     * @throws HaproxyRuntimeException as {@link #apply} ({@code NO_SUCH_BACKEND}, {@code UNREACHABLE}...)
     */
    public List<HaproxyServer> servers() {
        return api.showServersState(backend);
    }

    /** The backend this syncs. */
    public String backend() {
        return backend;
    }

    /**
     * The HAProxy server name for a backend id: {@value #PREFIX} then the id with every character
     * HAProxy does not allow in names replaced by {@code _}; when anything was replaced (or the id is
     * long) a short hash of the id follows, so two ids never share a name. Stable across runs:
     * {@code 127.0.0.2:8080} -> {@code flotilla-127.0.0.2:8080},
     * {@code web@1.service/0123abcd} -> {@code flotilla-web_1.service_0123abcd-1a2b3c4d}.
     */
    public static String serverName(String backendId) {
        String safe = UNSAFE.matcher(backendId).replaceAll("_");
        if (safe.equals(backendId) && safe.length() <= MAX_NAME) {
            return PREFIX + safe;
        }
        String shortened = safe.length() <= MAX_NAME ? safe : safe.substring(0, MAX_NAME);
        return PREFIX + shortened + "-" + hash(backendId);
    }

    private void sync(List<BackendAddress> backends) {
        Map<String, Target> wanted = new LinkedHashMap<>();
        for (BackendAddress backendAddress : backends) {
            if (backendAddress.passing()) {
                try {
                    InetAddress address = InetAddress.getByName(backendAddress.host());
                    wanted.put(serverName(backendAddress.id()), new Target(address, backendAddress.port()));
                } catch (UnknownHostException e) {
                    LOG.warn("HAProxy backend {}: cannot resolve {} of backend {}, leaving it out", backend,
                            backendAddress.host(), backendAddress.id());
                }
            }
        }
        Map<String, HaproxyServer> current = new LinkedHashMap<>();
        for (HaproxyServer server : api.showServersState(backend)) {
            if (server.name().startsWith(PREFIX)) {
                current.put(server.name(), server);
            }
        }
        for (Map.Entry<String, Target> entry : wanted.entrySet()) {
            String name = entry.getKey();
            Target target = entry.getValue();
            HaproxyServer server = current.get(name);
            if (server == null) {
                try {
                    api.addServer(backend, name, target.address().getHostAddress(), target.port());
                    LOG.info("HAProxy backend {}: added server {} at {}:{}", backend, name,
                            target.address().getHostAddress(), target.port());
                } catch (HaproxyRuntimeException e) {
                    if (e.kind() != HaproxyRuntimeException.Kind.SERVER_EXISTS) {
                        throw e;
                    }
                }
                api.enableServer(backend, name);
                continue;
            }
            if (!target.matches(server)) {
                api.setServerAddress(backend, name, target.address().getHostAddress(), target.port());
                LOG.info("HAProxy backend {}: server {} moved to {}:{}", backend, name,
                        target.address().getHostAddress(), target.port());
            }
            if (!server.ready()) {
                api.setServerState(backend, name, HaproxyRuntimeApi.AdminState.READY);
                LOG.info("HAProxy backend {}: server {} back in service", backend, name);
            }
        }
        Set<String> pending = new TreeSet<>();
        Map<String, Integer> connections = null;
        for (HaproxyServer server : current.values()) {
            String name = server.name();
            if (wanted.containsKey(name)) {
                continue;
            }
            if (!server.draining() && !server.inMaintenance()) {
                api.setServerState(backend, name, HaproxyRuntimeApi.AdminState.DRAIN);
                LOG.info("HAProxy backend {}: draining server {}", backend, name);
            }
            if (connections == null) {
                connections = api.usedConnections(backend);
            }
            if (connections.getOrDefault(name, 0) > 0) {
                pending.add(name);
                continue;
            }
            if (!server.inForcedMaintenance()) {
                api.setServerState(backend, name, HaproxyRuntimeApi.AdminState.MAINT);
            }
            try {
                api.deleteServer(backend, name);
                LOG.info("HAProxy backend {}: deleted server {}", backend, name);
            } catch (HaproxyRuntimeException e) {
                switch (e.kind()) {
                    case STILL_HAS_CONNECTIONS -> pending.add(name);
                    case NO_SUCH_SERVER -> { } // someone else deleted it: what was wanted
                    default -> throw e;
                }
            }
        }
        pendingRemovals = Set.copyOf(pending);
    }

    private synchronized void reapply() {
        if (last == null) {
            return;
        }
        try {
            sync(last);
            if (lastBackgroundFailure != null) {
                LOG.info("HAProxy backend {}: in step again", backend);
                lastBackgroundFailure = null;
            }
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastBackgroundFailure)) {
                LOG.warn("HAProxy backend {}: re-apply failed, trying again: {}", backend, message);
                lastBackgroundFailure = message;
            }
        }
    }

    /**
     * Stops the background re-applies (one under way finishes first); HAProxy's servers stay as
     * they are. Idempotent.
     */
    @Override
    public void close() {
        retries.shutdown();
        try {
            if (!retries.awaitTermination(10, TimeUnit.SECONDS)) {
                retries.shutdownNow();
            }
        } catch (InterruptedException e) {
            retries.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Where a server should point. */
    private record Target(InetAddress address, int port) {
        boolean matches(HaproxyServer server) {
            if (server.port() != port) {
                return false;
            }
            try {
                return InetAddress.getByName(server.address()).equals(address);
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
