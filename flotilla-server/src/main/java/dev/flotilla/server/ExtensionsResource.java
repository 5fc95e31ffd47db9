package dev.flotilla.server;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.flotilla.api.Health;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitPlacement;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.api.UnitFileView;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitName;
import io.javalin.http.Context;

/**
 * Flotilla's extensions under {@code /v1/}: health, a unit's placement and why it is not placed, and a
 * unit's status, journal and container inspect (answered by the agent's {@link UnitDiagnostics}; 501 without
 * one).
 * Thread-safe.
 */
final class ExtensionsResource {

    /** Journal lines served when the request does not say ({@code journalctl}'s default). */
    static final int DEFAULT_JOURNAL_LINES = 10;
    /** Most journal lines served by one request. */
    static final int MAX_JOURNAL_LINES = 10_000;

    private final Registry registry;
    private final Optional<UnitDiagnostics> diagnostics;
    private final DiagnosticsForwarder forwarder;

    ExtensionsResource(Registry registry, Optional<UnitDiagnostics> diagnostics, DiagnosticsForwarder forwarder) {
        this.registry = registry;
        this.diagnostics = diagnostics;
        this.forwarder = forwarder;
    }

    /** 200 with the engine leader when the store answers; a store failure becomes 503. */
    void health(Context ctx) throws StoreException {
        Optional<Leadership> leader = registry.election().leader();
        Json.respond(ctx, 200, new Health("ok", leader.map(l -> l.machineId().value()).orElse(null)));
    }

    /** Where the unit is placed, or the engine's reasons for not placing it; 404 for an unknown unit. */
    void placement(Context ctx) throws StoreException {
        UnitName name = UnitsResource.pathUnit(ctx);
        UnitRecord unit = registry.units().get(name)
                .orElseThrow(() -> ApiFailure.notFound("unit " + name + " does not exist"));
        Optional<ScheduleEntry> entry = registry.schedule().get(name);
        List<UnitPlacement.Refusal> refusals = entry.isPresent() ? List.of()
                : registry.schedule().unschedulable(name).map(UnschedulableRecord::reasons).orElse(List.of()).stream()
                        .map(r -> new UnitPlacement.Refusal(r.machineId().map(m -> m.value()).orElse(null), r.reason()))
                        .toList();
        Json.respond(ctx, 200, new UnitPlacement(name.name(), unit.desiredState().fleetName(),
                entry.map(e -> e.machineId().value()).orElse(null), refusals));
    }

    /** The unit's file for people to read: secret-looking values masked line by line (docs/security.md). */
    void file(Context ctx) throws StoreException {
        UnitName name = UnitsResource.pathUnit(ctx);
        UnitRecord unit = registry.units().get(name)
                .orElseThrow(() -> ApiFailure.notFound("unit " + name + " does not exist"));
        Json.respond(ctx, 200, new UnitFileView(name.name(), unit.hash().hex(), Redaction.file(unit.contents())));
    }

    /** The unit's status from this machine's agent, or from the machine running it (one hop). */
    void status(Context ctx) throws IOException, StoreException {
        UnitName name = UnitsResource.pathUnit(ctx);
        UnitDiagnostics source = agent("status");
        Optional<UnitStatus> here = source.status(name.name());
        if (here.isPresent()) {
            Json.respond(ctx, 200, Redaction.status(here.get()));
        } else {
            elsewhere(ctx, name, "/status");
        }
    }

    /** The unit's last {@code ?lines=N} journal lines from this machine's agent, or from the machine running it. */
    void journal(Context ctx) throws IOException, StoreException {
        UnitName name = UnitsResource.pathUnit(ctx);
        int lines = lines(ctx.queryParam("lines"));
        UnitDiagnostics source = agent("journal");
        Optional<List<JournalEntry>> here = source.journal(name.name(), lines);
        if (here.isPresent()) {
            Json.respond(ctx, 200, Map.of("name", name.name(), "entries", Redaction.journal(here.get())));
        } else {
            elsewhere(ctx, name, "/journal?lines=" + lines);
        }
    }

    /**
     * The container engine's inspect JSON of the unit's container (secret-looking environment values masked),
     * from this machine's agent or from the machine running it; 404 when the unit runs here but has no container.
     */
    void inspect(Context ctx) throws IOException, StoreException {
        UnitName name = UnitsResource.pathUnit(ctx);
        UnitDiagnostics source = agent("inspect");
        Optional<String> here = source.inspect(name.name());
        if (here.isPresent()) {
            ctx.status(200).contentType("application/json").result(Secrets.redact(here.get()));
        } else if (source.status(name.name()).isPresent()) {
            throw ApiFailure.notFound("unit " + name + " has no container to inspect: only .container units "
                    + "have one, from their start until they are stopped");
        } else {
            elsewhere(ctx, name, "/inspect");
        }
    }

    private void elsewhere(Context ctx, UnitName name, String tail) throws StoreException {
        if (DiagnosticsForwarder.forwarded(ctx)) {
            throw notHere(name);
        }
        forwarder.forward(ctx, name, "/v1/units/" + java.net.URLEncoder.encode(name.name(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + tail);
    }

    private UnitDiagnostics agent(String what) {
        return diagnostics.orElseThrow(() -> new ApiFailure(501, "unit " + what + " is answered by agents, and "
                + "this API server runs without one (status and journal come with the agent)"));
    }

    private static ApiFailure notHere(UnitName name) {
        return ApiFailure.notFound("unit " + name + " does not run on the machine it is placed on (yet); "
                + "see GET /v1/units/" + name + "/placement and /fleet/v1/state/" + name);
    }

    private static int lines(String raw) {
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_JOURNAL_LINES;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 0 && n <= MAX_JOURNAL_LINES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw ApiFailure.badRequest("lines must be a whole number from 0 to " + MAX_JOURNAL_LINES + ", not \"" + raw + "\"");
    }
}
