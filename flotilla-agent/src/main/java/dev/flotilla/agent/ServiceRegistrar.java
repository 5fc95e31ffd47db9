package dev.flotilla.agent;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.flotilla.agent.checks.CheckResult;
import dev.flotilla.agent.checks.HealthChecker;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.Services;
import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ServiceSpec;
import dev.flotilla.unit.UnitName;

/**
 * Registers the service endpoints of the units this machine runs ({@code [X-Service]}) on the
 * agent's lease, and runs their health checks. After each reconcile pass, {@link #sync} registers
 * the endpoint of every unit that is active and meant to run, and deregisters the others (stopped,
 * failed, unloaded, moved). Checks run on a small pool of their own, never on the reconcile thread,
 * at most {@value #CHECK_THREADS} at a time; a result is published only when the endpoint changes
 * (its health or its output), so an idle cluster writes nothing. {@link #drain} is the graceful
 * stop: the endpoint goes first and the stop waits the unit's {@code DrainDelay=}.
 *
 * <p>Thread-safe: the reconcile thread calls {@link #sync} and {@link #drain}; check threads
 * update entries. Each entry's publication is guarded by the entry, so a check finishing after its
 * endpoint was withdrawn never writes it back.
 */
final class ServiceRegistrar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistrar.class);

    /** Checks that may run at once on one machine. */
    static final int CHECK_THREADS = 4;

    private final Services services;
    private final MachineId machine;
    private final String publicIp;
    private final InstantSource clock;
    private final Map<String, String> environment;
    private final HealthChecker checker = new HealthChecker();
    private final ScheduledThreadPoolExecutor pool;

    /** Guards {@link #entries}, {@link #draining} and {@link #leaseId}. */
    private final Object lock = new Object();
    private final Map<UnitName, Entry> entries = new HashMap<>();
    /** Units whose endpoint was withdrawn for a stop, with when the stop may go ahead ({@link System#nanoTime}). */
    private final Map<UnitName, Long> draining = new HashMap<>();
    private long leaseId = -1;

    ServiceRegistrar(Services services, MachineId machine, String publicIp, InstantSource clock,
            Map<String, String> environment) {
        this.services = services;
        this.machine = machine;
        this.publicIp = publicIp;
        this.clock = clock;
        this.environment = Map.copyOf(environment);
        this.pool = new ScheduledThreadPoolExecutor(CHECK_THREADS, Thread.ofPlatform().daemon()
                .name("flotilla-checks-" + machine.shortId() + "-", 0).factory());
        this.pool.setRemoveOnCancelPolicy(true);
    }

    /**
     * Brings the endpoints in step with the machine after a pass: every unit of {@code desired} that
     * should run, runs ({@code active} in {@code runtime}) and declares a service has its endpoint on
     * {@code lease}; every other endpoint is withdrawn. A new lease (a rejoin) gets every endpoint
     * written again. Reconcile thread.
     *
     * @throws LeaseNotFoundException when the lease is gone (the agent fences)
     * @throws StoreException when the store fails (the next pass tries again)
     */
    void sync(Map<UnitName, DesiredUnit> desired, Map<UnitName, UnitStatus> runtime, long lease) throws StoreException {
        Map<UnitName, ServiceSpec> wanted = new HashMap<>();
        for (DesiredUnit unit : desired.values()) {
            UnitStatus status = runtime.get(unit.name());
            if (unit.launched() && status != null && status.active() == ActiveState.ACTIVE
                    && unit.definition().service().isPresent()) {
                wanted.put(unit.name(), unit.definition().service().get());
            }
        }
        List<Entry> stale;
        List<Entry> toPublish;
        long now = System.nanoTime();
        synchronized (lock) {
            // A drain ends when its stop went ahead (the unit no longer runs) or was called off.
            draining.entrySet().removeIf(d -> !runtime.containsKey(d.getKey())
                    || runtime.get(d.getKey()).active() != ActiveState.ACTIVE || now - d.getValue() >= 0);
            wanted.keySet().removeAll(draining.keySet());
            boolean newLease = lease != leaseId;
            leaseId = lease;
            stale = entries.values().stream().filter(e -> !e.spec.equals(wanted.get(e.unit))).toList();
            wanted.forEach((unit, spec) -> entries.computeIfAbsent(unit, u -> new Entry(u, spec)));
            toPublish = entries.values().stream().filter(e -> newLease || !e.started).filter(e -> !stale.contains(e))
                    .toList();
        }
        for (Entry e : stale) {
            e.withdraw("its unit is no longer active here");
            forget(e);
        }
        for (Entry e : toPublish) {
            e.publishNow(lease);
        }
    }

    private void forget(Entry e) {
        synchronized (lock) {
            entries.remove(e.unit, e);
        }
    }

    /**
     * Before {@code unit} is stopped: withdraws its endpoint and says how long the stop must still
     * wait ({@code DrainDelay=} from the withdrawal, when the endpoint was passing; zero otherwise,
     * and once the delay has passed). Reconcile thread.
     *
     * @throws StoreException when the endpoint cannot be deleted (the stop waits for a later pass)
     */
    Duration drain(UnitName unit) throws StoreException {
        Entry entry;
        long now = System.nanoTime();
        synchronized (lock) {
            Long until = draining.get(unit);
            if (until != null) {
                if (until - now > 0) {
                    return Duration.ofNanos(until - now);
                }
                draining.remove(unit);
                return Duration.ZERO;
            }
            entry = entries.get(unit);
        }
        if (entry == null) {
            return Duration.ZERO;
        }
        boolean wasPassing = entry.withdraw("its unit is being stopped");
        Duration delay = wasPassing ? entry.spec.drainDelay() : Duration.ZERO;
        synchronized (lock) {
            entries.remove(unit, entry);
            if (!delay.isZero()) {
                draining.put(unit, now + delay.toNanos());
            }
        }
        return delay;
    }

    /**
     * Withdraws every endpoint, best effort (the machine drains: its units are about to stop). Any thread.
     */
    void withdrawAll() {
        List<Entry> all;
        synchronized (lock) {
            all = List.copyOf(entries.values());
        }
        for (Entry e : all) {
            try {
                e.withdraw("the machine drains");
            } catch (StoreException | RuntimeException ex) {
                LOG.warn("cannot deregister {} while draining (it goes with the lease): {}", e.unit, ex.toString());
            }
        }
    }

    /** Stops every check and forgets every endpoint without touching the store (a fence: they go with the lease). */
    void forgetAll() {
        List<Entry> all;
        synchronized (lock) {
            all = List.copyOf(entries.values());
            entries.clear();
            draining.clear();
            leaseId = -1;
        }
        all.forEach(Entry::cancel);
    }

    @Override
    public void close() {
        forgetAll();
        pool.shutdownNow();
        checker.close();
    }

    /** One unit's endpoint: its spec, what is published, and its checks. */
    private final class Entry {
        private final UnitName unit;
        private final ServiceSpec spec;
        private final String address;
        /** Guarded by this entry. */
        private ServiceEndpoint current;
        private boolean registered;
        private boolean closed;
        /** When the health last changed, on {@link System#nanoTime}: DeregisterAfter counts from it. */
        private long changedAt = System.nanoTime();
        private volatile boolean started;
        private ScheduledFuture<?> checks;

        Entry(UnitName unit, ServiceSpec spec) {
            this.unit = unit;
            this.spec = spec;
            this.address = spec.address().orElse(publicIp);
            boolean checked = spec.check().isPresent();
            this.current = new ServiceEndpoint(spec.name(), unit, machine, address, spec.port(), spec.tags(),
                    checked ? ServiceHealth.CRITICAL : ServiceHealth.PASSING, clock.instant(),
                    Optional.of(checked ? "not checked yet" : "unit is active"));
        }

        /** Publishes the endpoint as it stands on {@code lease} and starts the checks (once). */
        synchronized void publishNow(long lease) throws StoreException {
            if (closed) {
                return;
            }
            if (!started) {
                started = true;
                registered = true;
                LOG.info("registering {} of service {} at {}", unit, spec.name(), current.hostPort());
                spec.check().ifPresent(check -> checks = pool.scheduleWithFixedDelay(() -> runCheck(check), 0,
                        spec.checkInterval().toMillis(), TimeUnit.MILLISECONDS));
            }
            if (registered) {
                services.publish(current, lease);
            }
        }

        private void runCheck(ServiceSpec.Check check) {
            MDC.put(AgentThreads.MACHINE_KEY, machine.value());
            CheckResult result = checker.run(check, spec, address, environment);
            try {
                apply(result);
            } catch (LeaseNotFoundException e) {
                LOG.debug("{}: the lease is gone; the agent rejoins and registers again", unit);
            } catch (StoreException | RuntimeException e) {
                LOG.warn("{}: cannot publish the health of its endpoint: {}", unit, e.toString());
            }
        }

        private synchronized void apply(CheckResult result) throws StoreException {
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            ServiceEndpoint next = current.withHealth(result.health(), now, Optional.of(result.output()));
            boolean changed = !next.equals(current);
            if (next.health() != current.health()) {
                changedAt = System.nanoTime();
                LOG.info("{} of service {} is {}: {}", unit, spec.name(), next.health().wireName(), result.output());
            }
            current = next;
            long lease;
            synchronized (lock) {
                lease = leaseId;
            }
            Optional<Duration> deregisterAfter = spec.deregisterAfter();
            if (registered && next.health() == ServiceHealth.CRITICAL && deregisterAfter.isPresent()
                    && System.nanoTime() - changedAt >= deregisterAfter.get().toNanos()) {
                LOG.info("{} has been critical since {}: deregistering its endpoint (DeregisterAfter={})", unit,
                        next.since(), deregisterAfter.get());
                registered = false;
                services.remove(spec.name(), unit, machine);
                return;
            }
            if (!registered && next.health() == ServiceHealth.PASSING) {
                LOG.info("{} passes again: registering its endpoint again", unit);
                registered = true;
                changed = true;
            }
            if (registered && changed && lease != -1) {
                services.publish(next, lease);
            }
        }

        /**
         * Stops the checks and deletes the endpoint; returns whether it was registered and passing.
         * When the delete fails the entry stays closed (nothing publishes it again) and a retry deletes it.
         */
        synchronized boolean withdraw(String why) throws StoreException {
            boolean wasPassing = registered && current.health() == ServiceHealth.PASSING;
            cancel();
            if (registered) {
                LOG.info("deregistering {} of service {}: {}", unit, spec.name(), why);
            }
            services.remove(spec.name(), unit, machine);
            registered = false;
            return wasPassing;
        }

        synchronized void cancel() {
            closed = true;
            if (checks != null) {
                checks.cancel(false);
            }
        }
    }
}
