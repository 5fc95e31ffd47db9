package dev.flotilla.daemon;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.AgentEvent;
import dev.flotilla.agent.AgentListener;
import dev.flotilla.agent.AgentPhase;
import dev.flotilla.engine.EngineListener;
import dev.flotilla.engine.EngineStatus;
import dev.flotilla.engine.PassReport;
import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.registry.Leadership;
import dev.flotilla.runtime.ActiveState;
import dev.flotilla.store.KvStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One machine's metrics, served by its API at {@code GET /metrics} (docs/observability.md names each): the units it
 * holds by state, its reconcile passes, its lease renewals and store requests ({@link MeteredKvStore}), its engine's
 * passes and decisions, and the JVM's basics. The API adds its requests and the events log. Thread-safe.
 */
final class MachineMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MachineMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();

    MachineMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** The registry the API serves. */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** {@code store} as this machine uses it: metered. */
    KvStore meter(KvStore store, InstantSource clock) {
        return new MeteredKvStore(store, registry, clock);
    }

    /** Adds the agent's gauges (read at each scrape) and returns the listener of its events to subscribe. */
    AgentListener bind(Agent agent) {
        for (ActiveState state : ActiveState.values()) {
            Gauge.builder("flotilla.units", agent, a -> count(a, state)).tag("state", state.systemdName())
                    .description("Units this machine holds (launched or loaded), by systemd active state")
                    .strongReference(true).register(registry);
        }
        Gauge.builder("flotilla.agent.joined", agent, a -> a.status().phase() == AgentPhase.JOINED ? 1 : 0)
                .description("1 while the machine is a member of the cluster (registered on a live lease)")
                .strongReference(true).register(registry);
        Timer ok = reconcile("ok");
        Timer failed = reconcile("failed");
        Counter failedTasks = Counter.builder("flotilla.agent.reconcile.failed.tasks")
                .description("Tasks of reconcile passes that failed or could not be done yet (retried)").register(registry);
        Counter fences = Counter.builder("flotilla.agent.fences")
                .description("Times the agent fenced its units (its lease was, or may have been, lost)").register(registry);
        Counter joins = Counter.builder("flotilla.agent.joins")
                .description("Times the machine joined the cluster on a new lease").register(registry);
        return event -> {
            switch (event) {
                case AgentEvent.Reconciled r -> {
                    (r.failure().isEmpty() ? ok : failed).record(r.duration());
                    failedTasks.increment(r.failedTasks());
                }
                case AgentEvent.Fenced f -> fences.increment();
                case AgentEvent.Joined j -> joins.increment();
            }
        };
    }

    private Timer reconcile(String result) {
        return Timer.builder("flotilla.agent.reconcile").tag("result", result)
                .description("Reconcile passes of the agent: read the view, plan, run the tasks, publish states")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    private static double count(Agent agent, ActiveState state) {
        try {
            return agent.unitsByActiveState().getOrDefault(state.systemdName(), 0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The listener that counts the engine's passes and decisions; add it before the engine starts. */
    EngineListener engineListener() {
        Timer passes = Timer.builder("flotilla.engine.pass")
                .description("Scheduling passes of the engine while it leads: plan and write, from the registry's view")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        Counter assign = decisions("assign");
        Counter move = decisions("move");
        Counter unassign = decisions("unassign");
        Counter refused = Counter.builder("flotilla.engine.changes.refused")
                .description("Schedule changes refused by compare-and-set (replanned in a later pass)").register(registry);
        Counter reasons = Counter.builder("flotilla.engine.unschedulable.written")
                .description("Unschedulable reasons the engine wrote (new or changed)").register(registry);
        AtomicInteger unschedulable = new AtomicInteger();
        AtomicInteger leading = new AtomicInteger();
        Gauge.builder("flotilla.engine.unschedulable.units", unschedulable, AtomicInteger::get)
                .description("Units needing a machine and getting none after the engine's last pass (0 when not leading)")
                .strongReference(true).register(registry);
        Gauge.builder("flotilla.engine.leader", leading, AtomicInteger::get)
                .description("1 while this machine's engine leads the cluster").strongReference(true).register(registry);
        return new EngineListener() {
            @Override
            public void passCompleted(PassReport report) {
                passes.record(report.duration());
                for (Decision d : report.applied()) {
                    switch (d) {
                        case Decision.Assign a -> assign.increment();
                        case Decision.Move m -> move.increment();
                        case Decision.Unassign u -> unassign.increment();
                    }
                }
                refused.increment(report.refused());
                reasons.increment(report.markedUnschedulable().size());
                unschedulable.set(report.unschedulable());
            }

            @Override
            public void roleChanged(EngineStatus.Role role, Optional<Leadership> leader) {
                leading.set(role == EngineStatus.Role.LEADING ? 1 : 0);
                if (role != EngineStatus.Role.LEADING) {
                    unschedulable.set(0);
                }
            }
        };
    }

    private Counter decisions(String kind) {
        return Counter.builder("flotilla.engine.decisions").tag("kind", kind)
                .description("Scheduling decisions the engine wrote: assign, move, unassign").register(registry);
    }

    /** Unbinds what holds resources (the GC listeners). */
    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.debug("closing a metrics binder failed", e);
            }
        }
        registry.close();
    }
}
