package dev.flotilla.server;

import java.util.Map;
import java.util.Optional;

import dev.flotilla.api.DevMachine;
import io.javalin.http.Context;

/**
 * {@code /v1/dev/machines}: dev mode's simulated machines, listed, stopped and started again. A server without
 * {@link DevMachines} (a real agent's) answers 404. A machine cannot stop itself through its own API: the answer
 * would be cut off with it, so that is a 409 naming another machine's API to ask. Thread-safe.
 */
final class DevMachinesResource {

    private final Optional<DevMachines> machines;
    private final String servingHost;

    DevMachinesResource(Optional<DevMachines> machines, String servingHost) {
        this.machines = machines;
        this.servingHost = servingHost;
    }

    void list(Context ctx) {
        Json.respond(ctx, 200, Map.of("machines", dev().list()));
    }

    void stop(Context ctx) {
        DevMachine target = find(ctx);
        if (target.ip().equals(servingHost)) {
            String other = dev().list().stream().filter(m -> m.running() && !m.ip().equals(servingHost))
                    .map(DevMachine::api).findFirst().orElse("another machine's API");
            throw new ApiFailure(409, "machine " + target.number() + " (" + target.ip() + ") serves this request and "
                    + "cannot stop itself through its own API; ask another machine's: --endpoint " + other);
        }
        Json.respond(ctx, 200, dev().stop(target.ip()));
    }

    void start(Context ctx) {
        DevMachine target = find(ctx);
        try {
            Json.respond(ctx, 200, dev().start(target.ip()));
        } catch (IllegalStateException e) {
            throw new ApiFailure(500, "machine " + target.number() + " (" + target.ip() + ") did not start: "
                    + e.getMessage());
        }
    }

    private DevMachine find(Context ctx) {
        try {
            return dev().find(ctx.pathParam("machine"));
        } catch (IllegalArgumentException e) {
            throw ApiFailure.notFound(e.getMessage());
        }
    }

    private DevMachines dev() {
        return machines.orElseThrow(() -> ApiFailure.notFound("/v1/dev/machines is served by dev clusters only "
                + "(flotilla dev, flotilla demo), not by an agent"));
    }
}
