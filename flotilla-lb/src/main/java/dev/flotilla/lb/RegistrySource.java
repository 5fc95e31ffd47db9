package dev.flotilla.lb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.ServiceView;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.ServiceSnapshot;
import dev.flotilla.registry.Services;
import dev.flotilla.store.StoreException;

/**
 * The endpoints the agents register for one service ({@code [X-Service]} in their units), followed live: over etcd
 * with the registry's service watch, or through an agent's API with its {@code /v1/services/NAME/watch} stream. Both
 * push every change as it is written, so a backend leaves the balancer milliseconds after its agent deletes the
 * endpoint (a stop drains it first) or its health turns, and a dead machine's endpoints leave with its lease.
 *
 * <p>Each endpoint becomes one backend: its id the unit's name, or {@code unit@machine} (the machine's short id)
 * when the unit is listed on several machines; passing as far as the source is concerned only when its health is
 * {@code passing}. A service nobody registers yet has no backends, which is not an error: the source logs it and
 * waits. An unreachable store or agent on the first read is; later the watches reconnect by themselves.
 */
public final class RegistrySource implements BackendSource {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySource.class);

    /** One endpoint as either transport reports it. */
    private record Endpoint(String unit, String machine, String address, int port, boolean passing) {
    }

    /** How long the API's watch may take to send its first list once connected. */
    private static final Duration FIRST_LIST_TIMEOUT = Duration.ofSeconds(30);

    private final String service;
    private final Services services;
    private final FleetClient client;
    private final String via;
    private volatile AutoCloseable watch;
    private volatile boolean closed;
    private List<BackendAddress> last;

    private RegistrySource(String service, Services services, FleetClient client, String via) {
        this.service = Objects.requireNonNull(service, "service");
        this.services = services;
        this.client = client;
        this.via = via;
    }

    /** Watches {@code service}'s endpoints in the registry (whose store the caller opened, and closes after this). */
    public static RegistrySource overEtcd(String service, Services services, String via) {
        return new RegistrySource(service, Objects.requireNonNull(services, "services"), null, via);
    }

    /** Follows {@code service}'s endpoints through an agent's API watch. */
    public static RegistrySource overApi(String service, FleetClient client) {
        Objects.requireNonNull(client, "client");
        return new RegistrySource(service, null, client, client.endpoint().toString());
    }

    /** Reports the first list before returning, then every change, from one thread at a time. */
    @Override
    public void start(Consumer<List<BackendAddress>> listener) throws BackendSourceException {
        Objects.requireNonNull(listener, "listener");
        try {
            if (services != null) {
                watch = services.watch(service, snapshot -> report(fromRegistry(snapshot), listener));
            } else {
                watchApi(listener);
            }
        } catch (StoreException | ApiException e) {
            throw new BackendSourceException("cannot watch service " + service + " via " + via + ": " + e.getMessage(),
                    e);
        } catch (IllegalArgumentException e) {
            throw new BackendSourceException(e.getMessage(), e);
        }
    }

    /** The API's watch delivers its first list from its own thread once the stream is open: waits for it. */
    private void watchApi(Consumer<List<BackendAddress>> listener) throws ApiException, BackendSourceException {
        CountDownLatch first = new CountDownLatch(1);
        watch = client.watchService(service, view -> {
            report(fromApi(view), listener);
            first.countDown();
        }, failure -> LOG.warn("the watch of service {} through {} dropped: {}; reconnecting, backends stay as last "
                + "seen", service, via, failure.getMessage()));
        try {
            if (!first.await(FIRST_LIST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                close();
                throw new BackendSourceException("cannot watch service " + service + " via " + via + ": no endpoint "
                        + "list within " + FIRST_LIST_TIMEOUT.toSeconds() + " s of connecting");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new BackendSourceException("interrupted while waiting for the endpoints of " + service + " via "
                    + via, e);
        }
    }

    private static List<Endpoint> fromRegistry(ServiceSnapshot snapshot) {
        return snapshot.endpoints().stream().map(e -> new Endpoint(e.unit().name(), e.machineId().shortId(),
                e.address(), e.port(), e.health() == ServiceHealth.PASSING)).toList();
    }

    private static List<Endpoint> fromApi(ServiceView view) {
        return view.endpoints().stream().map(e -> new Endpoint(e.unit(), shortId(e.machineId()), e.address(), e.port(),
                e.isPassing())).toList();
    }

    private static String shortId(String machineId) {
        return machineId.length() > MachineId.SHORT_LENGTH ? machineId.substring(0, MachineId.SHORT_LENGTH) : machineId;
    }

    private synchronized void report(List<Endpoint> endpoints, Consumer<List<BackendAddress>> listener) {
        if (closed) {
            return;
        }
        List<BackendAddress> backends = backends(endpoints);
        if (backends.equals(last)) {
            return;
        }
        if (backends.isEmpty()) {
            LOG.warn("no endpoints of service {} registered yet: waiting for units with [X-Service] Name={}", service,
                    service);
        }
        last = backends;
        listener.accept(backends);
    }

    /** One backend per endpoint, in the registry's order (unit, then machine); endpoints with a bad port skipped. */
    private List<BackendAddress> backends(List<Endpoint> endpoints) {
        Map<String, Integer> perUnit = new HashMap<>();
        endpoints.forEach(e -> perUnit.merge(e.unit(), 1, Integer::sum));
        List<BackendAddress> backends = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            String id = perUnit.get(e.unit()) == 1 ? e.unit() : e.unit() + "@" + e.machine();
            try {
                backends.add(new BackendAddress(id, e.address(), e.port(), e.passing()));
            } catch (IllegalArgumentException bad) {
                LOG.warn("ignoring the endpoint of {} on {}: {}", e.unit(), e.machine(), bad.getMessage());
            }
        }
        return backends;
    }

    @Override
    public String describe() {
        return "registry:" + service + " via " + via;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        AutoCloseable w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debug("closing the watch of service {}", service, e);
            }
        }
    }
}
