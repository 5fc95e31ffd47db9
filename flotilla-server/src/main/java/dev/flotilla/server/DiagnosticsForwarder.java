package dev.flotilla.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

import dev.flotilla.api.ApiToken;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;
import io.javalin.http.Context;

/**
 * Forwards a status or journal request for a unit this machine does not run to the API of the machine it is
 * placed on (the {@code apiUrl} of that machine's record), and passes its answer through unchanged. A
 * forwarded request carries {@value #HOP_HEADER}, and a request carrying it is never forwarded again, so a
 * request makes at most one hop. Thread-safe.
 */
final class DiagnosticsForwarder {

    /** Marks a request one agent forwarded to another; its receiver answers from its own machine only. */
    static final String HOP_HEADER = "X-Flotilla-Forwarded";

    private final Registry registry;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Optional<ApiToken> token;
    private final SSLSocketFactory tls;

    /**
     * @param token sent to the other agent: every agent of a cluster is started with the same token
     * @param tls for {@code https://} agents: trusts their certificates and presents this agent's own
     */
    DiagnosticsForwarder(Registry registry, Duration connectTimeout, Duration readTimeout, Optional<ApiToken> token,
            SSLSocketFactory tls) {
        this.registry = registry;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.token = token;
        this.tls = tls;
    }

    /** True when {@code ctx} was forwarded by another agent (and must be answered here or not at all). */
    static boolean forwarded(Context ctx) {
        return ctx.header(HOP_HEADER) != null;
    }

    /**
     * Whether {@code machine} registered an API on a loopback address while it is not itself on one: any other
     * machine dialling that address would reach its own API instead.
     */
    private static boolean loopbackOnly(Machine machine) {
        try {
            String host = URI.create(machine.apiUrl()).getHost();
            return host != null && ApiSettings.isLoopback(host) && !ApiSettings.isLoopback(machine.publicIp());
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Answers {@code ctx} with the answer of the machine running {@code unit} to {@code pathAndQuery}.
     *
     * @throws ApiFailure 404 when the unit is unknown or not placed; 502 when its machine is gone or fails;
     *     504 when it does not answer in time
     * @throws StoreException when the registry cannot be read
     */
    void forward(Context ctx, UnitName unit, String pathAndQuery) throws StoreException {
        registry.units().get(unit).orElseThrow(() -> ApiFailure.notFound("unit " + unit + " does not exist"));
        ScheduleEntry entry = registry.schedule().get(unit).orElseThrow(() -> ApiFailure.notFound("unit " + unit
                + " is not placed on any machine (load or start it first)"));
        Machine machine = registry.machines().get(entry.machineId()).orElseThrow(() -> new ApiFailure(502, "unit "
                + unit + " is placed on machine " + entry.machineId().value() + ", which is no longer in the cluster; "
                + "try again once the engine has moved it"));
        if (loopbackOnly(machine)) {
            throw new ApiFailure(502, "unit " + unit + " runs on machine " + machine.id().value() + " ("
                    + machine.apiUrl() + "), whose API listens on loopback only, so "
                    + "other machines cannot ask it; start that agent with --api ADDR:PORT and a token (docs/security.md)");
        }
        forward(ctx, machine, ", which runs unit " + unit, pathAndQuery);
    }

    /**
     * Answers {@code ctx} with the answer of {@code machine}'s API to {@code pathAndQuery}.
     *
     * @param role how error messages describe the machine after its ID and URL ({@code ", which runs unit web.service"}),
     *     or empty
     * @throws ApiFailure 502 when the machine fails or cannot be asked; 504 when it does not answer in time
     */
    void forward(Context ctx, Machine machine, String role, String pathAndQuery) {
        String where = "machine " + machine.id().value() + " (" + machine.apiUrl() + ")";
        if (loopbackOnly(machine)) {
            throw new ApiFailure(502, "the API of " + where + role + " listens on loopback only, so other machines "
                    + "cannot ask it; start that agent with --api ADDR:PORT and a token (docs/security.md)");
        }
        String comma = role.isEmpty() ? "" : ",";
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(machine.apiUrl().replaceAll("/+$", "") + pathAndQuery).toURL()
                    .openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls);
            }
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setRequestProperty("Accept", "application/json");
            c.setRequestProperty(HOP_HEADER, "1");
            if (token.isPresent()) {
                c.setRequestProperty("Authorization", token.get().header());
            }
            int status = c.getResponseCode();
            if (status < 0) {
                throw new ApiFailure(502, "the API of " + where + role + comma + " did not answer in HTTP");
            }
            byte[] body;
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                body = in == null ? new byte[0] : in.readAllBytes();
            }
            ctx.status(status).contentType("application/json").result(body);
        } catch (ConnectException e) {
            throw new ApiFailure(502, "cannot reach the API of " + where + role + ": " + e.getMessage());
        } catch (SocketTimeoutException e) {
            throw new ApiFailure(504, "the API of " + where + role + comma + " did not answer within "
                    + readTimeout.toMillis() + " ms");
        } catch (IOException | IllegalArgumentException e) {
            if (c != null) {
                c.disconnect();
            }
            throw new ApiFailure(502, "asking the API of " + where + role + comma + " failed: " + e.getMessage());
        }
    }
}
