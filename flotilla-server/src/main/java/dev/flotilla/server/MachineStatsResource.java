package dev.flotilla.server;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import dev.flotilla.api.MachineStats;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.StoreException;
import io.javalin.http.Context;

/**
 * {@code GET /v1/machines/{id}/stats}: a machine's load, CPU and memory, answered by that machine's own agent
 * ({@link UnitDiagnostics#machineStats}); any other agent forwards the question to the machine's API, one hop, as
 * it does a unit's journal. Nothing is stored. Thread-safe.
 */
final class MachineStatsResource {

    private final Registry registry;
    private final Optional<UnitDiagnostics> agent;
    private final DiagnosticsForwarder forwarder;

    MachineStatsResource(Registry registry, Optional<UnitDiagnostics> agent, DiagnosticsForwarder forwarder) {
        this.registry = registry;
        this.agent = agent;
        this.forwarder = forwarder;
    }

    void stats(Context ctx) throws IOException, StoreException {
        Machine machine = machine(registry, ctx.pathParam("id"));
        String id = machine.id().value();
        Optional<MachineStats> here = agent.isPresent() ? agent.get().machineStats(id) : Optional.empty();
        if (here.isPresent()) {
            Json.respond(ctx, 200, here.get());
        } else if (DiagnosticsForwarder.forwarded(ctx)) {
            throw agent.isPresent()
                    ? ApiFailure.notFound("machine " + id + " is not the machine of this agent; ask " + machine.apiUrl())
                    : new ApiFailure(501, "machine stats are answered by agents, and this API server runs without one");
        } else {
            forwarder.forward(ctx, machine, "", "/v1/machines/" + id + "/stats");
        }
    }

    /**
     * The machine {@code idOrPrefix} names: its whole ID or a prefix only it has, as the CLI accepts.
     *
     * @throws ApiFailure 404 when no machine has it; 400 when it is empty or several machines have it
     */
    static Machine machine(Registry registry, String idOrPrefix) throws StoreException {
        if (idOrPrefix.isEmpty() || !idOrPrefix.matches("[0-9a-fA-F]{1,32}")) {
            throw ApiFailure.badRequest("\"" + idOrPrefix + "\" is not a machine ID: up to 32 hex digits "
                    + "(a unique prefix is enough)");
        }
        String wanted = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
        List<Machine> found = registry.machines().list().stream().filter(m -> m.id().value().startsWith(wanted)).toList();
        if (found.isEmpty()) {
            throw ApiFailure.notFound("machine " + idOrPrefix + " is not in the cluster (see GET /fleet/v1/machines)");
        }
        if (found.size() > 1) {
            throw ApiFailure.badRequest("machine ID prefix " + idOrPrefix + " matches " + found.size() + " machines ("
                    + String.join(", ", found.stream().map(m -> m.id().value()).toList()) + "): give more of it");
        }
        return found.getFirst();
    }
}
