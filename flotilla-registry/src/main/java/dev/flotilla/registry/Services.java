package dev.flotilla.registry;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/**
 * Service endpoints ({@code services/<service>/<unit>/<machine>}): agents publish where their
 * active units serve and how healthy they are, each on the agent's lease so that a dead machine's
 * endpoints vanish with it; load balancers and clients read and watch them. Keyed by service first,
 * so one service is one prefix to read or watch. Thread-safe.
 */
public final class Services {

    private final Context ctx;

    Services(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Publishes {@code endpoint} on {@code leaseId} (the agent's lease). Writes nothing when exactly
     * this endpoint is already published on this lease, so an agent may republish on every check
     * and an idle cluster writes nothing. Returns whether it wrote.
     *
     * @throws LeaseNotFoundException when the lease has expired or was revoked; nothing is written
     * @throws StoreException when the store fails otherwise
     */
    public boolean publish(ServiceEndpoint endpoint, long leaseId) throws StoreException {
        Objects.requireNonNull(endpoint, "endpoint");
        return ctx.putIfChanged(ctx.keys().endpoint(endpoint.service(), endpoint.unit(), endpoint.machineId()),
                Codec.encode(endpoint), leaseId);
    }

    /**
     * Removes the endpoint of {@code unit} on {@code machine} for {@code service}. Returns whether it existed.
     *
     * @throws IllegalArgumentException when {@code service} is not a valid service name
     */
    public boolean remove(String service, UnitName unit, MachineId machine) throws StoreException {
        ServiceEndpoint.requireValidName(service);
        return ctx.store().delete(ctx.keys().endpoint(service, unit, machine));
    }

    /** Every endpoint of every service, by service, unit and machine, read at one revision; malformed values skipped and logged. */
    public List<ServiceEndpoint> list() throws StoreException {
        return read(ctx.store().range(ctx.keys().prefix(KeyLayout.SERVICES))).endpoints();
    }

    /**
     * The endpoints of {@code service}, by unit then machine, with the revision they were read at
     * (empty for a service nobody registers: a service exists when someone registers it).
     *
     * @throws IllegalArgumentException when {@code service} is not a valid service name
     */
    public ServiceSnapshot ofService(String service) throws StoreException {
        ServiceEndpoint.requireValidName(service);
        return read(ctx.store().range(ctx.keys().servicePrefix(service)));
    }

    /**
     * Watches the endpoints of {@code service} ({@code null}: of every service). {@code listener} gets
     * the full current {@link ServiceSnapshot} once, from this call, then a full snapshot again after
     * every change, from the store's watch thread, one call at a time, until the returned handle is
     * closed. When the store no longer keeps the watch's revision, the watch reads and watches again
     * by itself (the listener sees a snapshot, never a gap); when the store refuses the watch
     * otherwise, the failure is logged and nothing more is delivered.
     *
     * @throws IllegalArgumentException when {@code service} is not a valid service name
     * @throws StoreException when the first read or the watch fails
     */
    public AutoCloseable watch(String service, Consumer<ServiceSnapshot> listener) throws StoreException {
        Objects.requireNonNull(listener, "listener");
        String prefix = service == null ? ctx.keys().prefix(KeyLayout.SERVICES)
                : ctx.keys().servicePrefix(ServiceEndpoint.requireValidName(service));
        ServiceWatch watch = new ServiceWatch(ctx, prefix, listener);
        watch.start();
        return watch;
    }

    private ServiceSnapshot read(RangeResult range) {
        return new ServiceSnapshot(range.revision(), ctx.decodeAll(range.kvs(), Services::decode).stream()
                .sorted(ServiceEndpoint.ORDER).toList());
    }

    static ServiceEndpoint decode(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.Endpoint k) {
            return Codec.endpoint(kv, k);
        }
        throw Context.wrongKey(kv);
    }
}
