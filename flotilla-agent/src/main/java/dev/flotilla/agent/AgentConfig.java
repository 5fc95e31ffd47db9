package dev.flotilla.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.flotilla.registry.Registry;
import dev.flotilla.runtime.RuntimeProvider;
import dev.flotilla.store.KvStore;

/**
 * What an {@link Agent} needs. Immutable; build with {@link #of} and the {@code with...} methods.
 *
 * @param store the cluster store, owned by the caller (the agent never closes it): an etcd store
 *     for a real agent, one shared embedded store for the N agents of dev mode
 * @param registryRoot the registry's root prefix, e.g. {@value Registry#DEFAULT_ROOT}
 * @param publicIp the address other machines and users reach this machine at (fleet's {@code --ip})
 * @param metadata fleet's machine metadata ({@code region=us}), sorted by key
 * @param dataDir the agent's own directory: {@code machine-id}, a lock, one directory per runtime
 * @param leaseTtl the TTL of the machine's lease: how long the cluster waits after the agent's
 *     last keep-alive before it takes the machine as dead (and the agent fences its units)
 * @param hostname the host's name (for {@code %H} and people)
 * @param clock the source of "now" for unit states and journals; lease deadlines are measured from it
 *     with a monotonic clock (so that a step of the wall clock does not move a fence)
 * @param apiUrl where this machine serves the API, registered with the machine; empty until known
 *     (see {@link Agent#setApiUrl})
 * @param resyncInterval how often the agent re-reads its view of the registry even without events
 * @param unitEnvironment extra variables every unit's processes see (lowest precedence)
 * @param runtimes the runtime providers to open, first match per unit type wins
 */
public record AgentConfig(KvStore store, String registryRoot, String publicIp, Map<String, String> metadata,
        Path dataDir, Duration leaseTtl, String hostname, InstantSource clock, String apiUrl,
        Duration resyncInterval, Map<String, String> unitEnvironment, List<RuntimeProvider> runtimes) {

    /**
     * The default lease TTL: 3 s. The cluster notices a dead machine at most 3 s after its last keep-alive
     * (fleet: 30 s), so a killed agent's units run elsewhere within 5 s (issue 8's goal; at 5 s they took up to
     * 5.8 s); keep-alives go every second, and a store outage shorter than about 1.7 s goes unnoticed by the
     * units. See docs/agent.md, "Lease TTL", for the trade-off.
     */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(3);
    /** The shortest lease TTL accepted: 1 s (etcd rounds shorter TTLs up anyway). */
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(1);
    /** The longest lease TTL accepted: 10 min. */
    public static final Duration MAX_LEASE_TTL = Duration.ofMinutes(10);
    /** The default resync interval: 30 s. */
    public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofSeconds(30);

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException when the root does not end in {@code /}, the IP or hostname
     *     is blank, a metadata key or value is malformed, the TTL is outside
     *     {@link #MIN_LEASE_TTL}..{@link #MAX_LEASE_TTL} or the resync interval is not positive
     */
    public AgentConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(registryRoot, "registryRoot");
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        if (registryRoot.isEmpty() || !registryRoot.endsWith("/")) {
            throw new IllegalArgumentException("registry root \"" + registryRoot + "\" must be non-empty and end in '/'");
        }
        if (publicIp.isBlank()) {
            throw new IllegalArgumentException("the agent needs its machine's public IP (--ip)");
        }
        if (hostname.isBlank()) {
            throw new IllegalArgumentException("the hostname must not be blank");
        }
        if (leaseTtl.compareTo(MIN_LEASE_TTL) < 0 || leaseTtl.compareTo(MAX_LEASE_TTL) > 0) {
            throw new IllegalArgumentException("lease TTL " + leaseTtl + " is outside " + MIN_LEASE_TTL + ".."
                    + MAX_LEASE_TTL);
        }
        if (!resyncInterval.isPositive()) {
            throw new IllegalArgumentException("resync interval must be positive, not " + resyncInterval);
        }
        metadata = checkedMetadata(Objects.requireNonNull(metadata, "metadata"));
        unitEnvironment = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(unitEnvironment,
                "unitEnvironment")));
        dataDir = dataDir.toAbsolutePath().normalize();
        runtimes = List.copyOf(runtimes);
    }

    /**
     * A configuration with the defaults: root {@value Registry#DEFAULT_ROOT}, no metadata,
     * {@link #DEFAULT_LEASE_TTL}, this host's name, the system clock, no API URL yet,
     * {@link #DEFAULT_RESYNC_INTERVAL}, no extra environment, every runtime on the class path.
     *
     * @throws IllegalArgumentException when {@code publicIp} is blank
     */
    public static AgentConfig of(KvStore store, Path dataDir, String publicIp) {
        return new AgentConfig(store, Registry.DEFAULT_ROOT, publicIp, Map.of(), dataDir, DEFAULT_LEASE_TTL,
                localHostname(), InstantSource.system(), "", DEFAULT_RESYNC_INTERVAL, Map.of(), RuntimeProvider.all());
    }

    /** A copy using another store (the same one seen through a decorator, e.g. one that meters requests). */
    public AgentConfig withStore(KvStore other) {
        return new AgentConfig(other, registryRoot, publicIp, metadata, dataDir, leaseTtl, hostname, clock, apiUrl,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy under another registry root. */
    public AgentConfig withRegistryRoot(String root) {
        return new AgentConfig(store, root, publicIp, metadata, dataDir, leaseTtl, hostname, clock, apiUrl,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy with this metadata. */
    public AgentConfig withMetadata(Map<String, String> newMetadata) {
        return new AgentConfig(store, registryRoot, publicIp, newMetadata, dataDir, leaseTtl, hostname, clock, apiUrl,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy with another lease TTL. */
    public AgentConfig withLeaseTtl(Duration ttl) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, ttl, hostname, clock, apiUrl,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy with another hostname. */
    public AgentConfig withHostname(String name) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, leaseTtl, name, clock, apiUrl,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy with another clock. */
    public AgentConfig withClock(InstantSource newClock) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, leaseTtl, hostname, newClock, apiUrl,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy registering this API URL (e.g. {@code http://10.0.0.1:8080}). */
    public AgentConfig withApiUrl(String url) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, leaseTtl, hostname, clock, url,
                resyncInterval, unitEnvironment, runtimes);
    }

    /** A copy with another resync interval. */
    public AgentConfig withResyncInterval(Duration interval) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, leaseTtl, hostname, clock, apiUrl,
                interval, unitEnvironment, runtimes);
    }

    /** A copy giving every unit these extra variables (e.g. {@code FLOTILLA_ENDPOINT} for sidekicks). */
    public AgentConfig withUnitEnvironment(Map<String, String> environment) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, leaseTtl, hostname, clock, apiUrl,
                resyncInterval, environment, runtimes);
    }

    /** A copy opening these runtime providers instead of every one on the class path. */
    public AgentConfig withRuntimes(List<RuntimeProvider> providers) {
        return new AgentConfig(store, registryRoot, publicIp, metadata, dataDir, leaseTtl, hostname, clock, apiUrl,
                resyncInterval, unitEnvironment, providers);
    }

    /** This host's name from the kernel, or {@code localhost} when it cannot be read. Never does DNS. */
    public static String localHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static Map<String, String> checkedMetadata(Map<String, String> metadata) {
        TreeMap<String, String> copy = new TreeMap<>();
        metadata.forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.contains("=") || k.contains(",")) {
                throw new IllegalArgumentException("metadata key \"" + k + "\" must be non-empty and hold no '=' or ','");
            }
            if (v == null || v.contains(",")) {
                throw new IllegalArgumentException("metadata value \"" + v + "\" of key \"" + k
                        + "\" must be present and hold no ','");
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableSortedMap(copy);
    }
}
