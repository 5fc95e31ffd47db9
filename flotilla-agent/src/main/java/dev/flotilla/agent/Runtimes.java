package dev.flotilla.agent;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeProvider;
import dev.flotilla.runtime.RuntimeSettings;
import dev.flotilla.runtime.Subscription;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStateListener;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/**
 * The runtimes of one machine, each over its own directory of the data dir, and the routing of a
 * unit to the runtime of its type ({@code .service} to exec). Thread-safe as the runtimes are.
 */
final class Runtimes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Runtimes.class);

    private final List<Runtime> all;
    private final Map<String, Runtime> byType;

    private Runtimes(List<Runtime> all, Map<String, Runtime> byType) {
        this.all = List.copyOf(all);
        this.byType = Map.copyOf(byType);
    }

    /**
     * Opens one runtime per provider that handles a unit type no earlier provider handles, over
     * {@code dataDir.runtimeDir(provider.name())}, for machine {@code machineId}.
     *
     * @throws UnitOperationException when a runtime cannot open; those opened are closed again
     */
    static Runtimes open(List<RuntimeProvider> providers, DataDir dataDir, InstantSource clock, String machineId)
            throws UnitOperationException {
        List<Runtime> opened = new ArrayList<>();
        Map<String, Runtime> byType = new LinkedHashMap<>();
        try {
            for (RuntimeProvider provider : providers) {
                List<String> fresh = provider.unitTypes().stream().filter(t -> !byType.containsKey(t)).sorted().toList();
                if (fresh.isEmpty()) {
                    continue;
                }
                Runtime runtime = provider.open(new RuntimeSettings(dataDir.runtimeDir(provider.name()), clock)
                        .withMachineId(machineId));
                opened.add(runtime);
                fresh.forEach(t -> byType.put(t, runtime));
            }
        } catch (UnitOperationException | RuntimeException e) {
            opened.forEach(Runtime::close);
            throw e;
        }
        return new Runtimes(opened, byType);
    }

    /**
     * Adopts what every runtime's previous instance left behind (running units keep their PIDs).
     *
     * @throws UnitOperationException when a runtime cannot read its state
     */
    List<UnitStatus> adopt() throws UnitOperationException {
        List<UnitStatus> out = new ArrayList<>();
        for (Runtime runtime : all) {
            out.addAll(runtime.adopt());
        }
        return out;
    }

    /** Every runtime, in the order opened. */
    List<Runtime> all() {
        return all;
    }

    /** The runtime that runs units of {@code unit}'s type, if this machine has one. */
    Optional<Runtime> forUnit(UnitName unit) {
        return Optional.ofNullable(byType.get(unit.type()));
    }

    /** Every unit every runtime knows, by name. */
    SortedMap<UnitName, UnitStatus> statuses() {
        TreeMap<UnitName, UnitStatus> out = new TreeMap<>();
        for (Runtime runtime : all) {
            runtime.statuses().forEach(s -> out.put(s.unit(), s));
        }
        return out;
    }

    /** Subscribes {@code listener} to every runtime; closing the result ends all subscriptions. */
    Subscription subscribe(UnitStateListener listener) {
        List<Subscription> subs = all.stream().map(r -> r.subscribe(listener)).toList();
        return () -> subs.forEach(Subscription::close);
    }

    /** Closes every runtime; units keep running. */
    @Override
    public void close() {
        for (Runtime runtime : all) {
            try {
                runtime.close();
            } catch (RuntimeException e) {
                LOG.warn("closing runtime {} failed", runtime.unitTypes(), e);
            }
        }
    }
}
