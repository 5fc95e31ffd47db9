package dev.flotilla.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * A client of fleet's v1 API ({@code /fleet/v1/...}), which every Flotilla agent serves and fleet served,
 * plus Flotilla's extensions ({@code /v1/...}). List methods follow page tokens and return everything.
 *
 * <p>Failures: an {@link ApiException} with the server's status and one-line message, an
 * {@link UnauthorizedException} when the server wants a token (or another one), or an
 * {@link EndpointUnreachableException} when nothing usable answered (refused, timed out, not the API, TLS
 * failed). Connecting and each read wait at most the timeout given at construction.
 *
 * <p>{@link #withToken} sends a token with every request; {@link #withTls} sets what an {@code https://}
 * endpoint is checked against and the client certificate (default: the JDK's trust store, no certificate).
 *
 * <p>Built on {@link HttpURLConnection} and Jackson's streaming parser, which load a fraction of the
 * classes {@code java.net.http} and data binding do: a CLI command answers faster. Thread-safe (each
 * request has its own connection; idle ones are reused by the JDK); {@link #close()} is for symmetry.
 */
public final class FleetClient implements AutoCloseable {

    /** How long a following events stream waits for data: three of the agent's 15 s heartbeats. */
    static final int EVENTS_READ_TIMEOUT_SECONDS = 45;
    /** A server that keeps handing out new tokens is broken; stop well before memory runs out. */
    private static final int MAX_PAGES = 100_000;

    private final URI endpoint;
    private final String root;
    private final int timeoutMillis;
    private final ApiToken token;
    private final String tokenSource;
    private final SSLSocketFactory tls;

    /** A response: its status and body (the error body for statuses of 400 and more). */
    private record Response(String method, String path, int status, byte[] body) {
    }

    /** How an agent's 503 says the store did not answer (ApiServer), as opposed to other reasons for 503. */
    static final String STORE_UNAVAILABLE = "the cluster store is unavailable";

    /** The pause before a request that met {@link #STORE_UNAVAILABLE} is sent again. */
    static final long STORE_RETRY_PAUSE_MILLIS = 1_000;

    /**
     * A client of the API at {@code endpoint}.
     *
     * @param endpoint the API's root URL, e.g. {@code http://127.0.0.1:7070}; {@code /fleet/v1/} is added
     * @param timeout the longest connecting, or waiting for data, may take
     * @throws IllegalArgumentException when the endpoint is not an http(s) URL with a host, or the timeout
     *     is not positive
     */
    public FleetClient(URI endpoint, Duration timeout) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint \"" + endpoint + "\" is not a URL like http://127.0.0.1:7070"
                    + ("unix".equals(scheme) || "file".equals(scheme) ? " (unix sockets are not supported by this client)" : ""));
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
        this.endpoint = endpoint;
        this.root = endpoint.toString().replaceAll("/+$", "");
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        this.token = null;
        this.tokenSource = null;
        this.tls = null;
    }

    private FleetClient(FleetClient base, ApiToken token, String tokenSource, SSLSocketFactory tls) {
        this.endpoint = base.endpoint;
        this.root = base.root;
        this.timeoutMillis = base.timeoutMillis;
        this.token = token;
        this.tokenSource = tokenSource;
        this.tls = tls;
    }

    /**
     * This client sending {@code token} with every request ({@code Authorization: Bearer ...}).
     *
     * @param source where the token comes from, for messages: {@code "$FLOTILLA_TOKEN"}, {@code "the file x"}
     */
    public FleetClient withToken(ApiToken token, String source) {
        return new FleetClient(this, Objects.requireNonNull(token, "token"), Objects.requireNonNull(source, "source"), tls);
    }

    /**
     * This client checking an {@code https://} endpoint's certificate against {@code context}'s trust, and
     * presenting its certificate if it has one (see {@link TlsFiles#context}).
     */
    public FleetClient withTls(SSLContext context) {
        return new FleetClient(this, token, tokenSource, context.getSocketFactory());
    }

    /** The endpoint this client talks to, as given. */
    public URI endpoint() {
        return endpoint;
    }

    /** Every unit, sorted by name (without {@link Unit#contents()}, which only {@link #unit} returns). */
    public List<Unit> units() throws ApiException {
        List<Unit> units = new ArrayList<>();
        for (Object item : all("/fleet/v1/units", Map.of(), "units")) {
            units.add(decode(() -> Wire.unit(item), "/fleet/v1/units"));
        }
        return units;
    }

    /** The unit named {@code name}, with its contents when the server is Flotilla; empty when there is none. */
    public Optional<Unit> unit(String name) throws ApiException {
        Response r = send("GET", "/fleet/v1/units/" + segment(name), null);
        if (r.status() == 404) {
            apiError(r);
            return Optional.empty();
        }
        Object json = json(expect(r, 200));
        return Optional.of(decode(() -> Wire.unit(json), r.path()));
    }

    /**
     * Submits {@code unit} ({@code PUT /fleet/v1/units/{name}}): creates it, replaces its contents when they
     * differ, and sets its desired state when one is given. Returns true when the unit was created or its
     * contents changed (201), false when only its state changed or nothing did (204).
     *
     * @throws ApiException 400 naming the unit file, line and reason when it is invalid (nothing is stored);
     *     404 when the unit does not exist and {@code unit} carries no contents or options
     */
    public boolean putUnit(Unit unit) throws ApiException {
        Response r = send("PUT", "/fleet/v1/units/" + segment(unit.name()), Wire.write(unit));
        expect(r, 201, 204);
        return r.status() == 201;
    }

    /**
     * Sets the desired state of an existing unit, keeping its contents.
     *
     * @throws ApiException 404 when the unit does not exist; 400 when {@code name} is a template and the state
     *     places it (templates stay inactive)
     */
    public void setDesiredState(String name, DesiredState state) throws ApiException {
        expect(send("PUT", "/fleet/v1/units/" + segment(name), Wire.write(Unit.stateChange(name, state))), 204, 201);
    }

    /** Destroys the unit; returns false (and does nothing) when there is no such unit. */
    public boolean destroyUnit(String name) throws ApiException {
        Response r = send("DELETE", "/fleet/v1/units/" + segment(name), null);
        if (r.status() == 404) {
            apiError(r);
            return false;
        }
        expect(r, 204, 200);
        return true;
    }

    /**
     * The published unit states, sorted by unit then machine.
     *
     * @param machineId only this machine's states; null for every machine
     * @param unitName only this unit's states; null for every unit
     */
    public List<UnitState> states(String machineId, String unitName) throws ApiException {
        Map<String, String> query = new LinkedHashMap<>();
        if (machineId != null) {
            query.put("machineID", machineId);
        }
        if (unitName != null) {
            query.put("unitName", unitName);
        }
        List<UnitState> states = new ArrayList<>();
        for (Object item : all("/fleet/v1/state", query, "states")) {
            states.add(decode(() -> Wire.state(item), "/fleet/v1/state"));
        }
        return states;
    }

    /** Every machine of the cluster, sorted by ID. */
    public List<Machine> machines() throws ApiException {
        List<Machine> machines = new ArrayList<>();
        for (Object item : all("/fleet/v1/machines", Map.of(), "machines")) {
            machines.add(decode(() -> Wire.machine(item), "/fleet/v1/machines"));
        }
        return machines;
    }

    /** Flotilla extension: every registered machine with its details and drain, sorted by ID. */
    public List<MachineDetails> machineDetails() throws ApiException {
        Response r = send("GET", "/v1/machines", null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.machineDetailsList(json), r.path());
    }

    /**
     * Flotilla extension: drains the machine {@code machine} names (its ID or a unique prefix): the engine places
     * nothing new there and moves its units (but global ones) to other machines. Draining a drained machine again
     * changes its reason only. Returns the machine as it is now.
     *
     * @param reason why, shown with the drain (may be empty; at most 512 characters)
     * @throws ApiException 404 when no machine matches, 400 when several do or the reason is too long
     */
    public MachineDetails drainMachine(String machine, String reason) throws ApiException {
        Response r = send("POST", "/v1/machines/" + segment(machine) + "/drain",
                Wire.writeDrain(reason == null ? "" : reason));
        Object json = json(expect(r, 200));
        return decode(() -> Wire.machineDetails(json), r.path());
    }

    /**
     * Flotilla extension: ends the drain of the machine {@code machine} names (its ID or a unique prefix); nothing
     * moves back by itself. Returns the machine as it is now.
     *
     * @throws ApiException 404 when no machine matches, 400 when several do
     */
    public MachineDetails undrainMachine(String machine) throws ApiException {
        Response r = send("DELETE", "/v1/machines/" + segment(machine) + "/drain", null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.machineDetails(json), r.path());
    }

    /**
     * Flotilla extension: where the unit is placed, or why it cannot be. Empty when the unit does not exist,
     * or the server does not serve the extension (fleet itself).
     */
    public Optional<UnitPlacement> placement(String name) throws ApiException {
        Response r = send("GET", "/v1/units/" + segment(name) + "/placement", null);
        if (r.status() == 404 || r.status() == 405) {
            return Optional.empty();
        }
        Object json = json(expect(r, 200));
        return Optional.of(decode(() -> Wire.placement(json), r.path()));
    }

    /**
     * Flotilla extension: what {@code systemctl status} says of the unit on the machine that runs it, with its
     * last journal lines; any agent answers (it forwards the request to the unit's machine).
     *
     * @throws ApiException 404 when the unit does not exist, is not placed, or does not run yet; 502/504 when
     *     the machine running it does not answer; 501 when the server runs without an agent
     */
    public UnitStatus status(String name) throws ApiException {
        Response r = send("GET", "/v1/units/" + segment(name) + "/status", null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.status(json), r.path());
    }

    /**
     * Flotilla extension: the unit's last {@code lines} journal lines (0..10000), oldest first, from the machine
     * that runs it; any agent answers.
     *
     * @throws ApiException as {@link #status}; 400 when {@code lines} is out of range
     */
    public List<JournalEntry> journal(String name, int lines) throws ApiException {
        Response r = send("GET", "/v1/units/" + segment(name) + "/journal?lines=" + lines, null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.journal(json), r.path());
    }

    /**
     * Flotilla extension: the container engine's own description of the unit's container ({@code docker
     * inspect}), as JSON text exactly as the engine wrote it, from the machine that runs the unit; any agent
     * answers.
     *
     * @throws ApiException as {@link #status}; 404 also when the unit has no container (not a {@code .container}
     *     unit, or its container is gone)
     */
    public String inspect(String name) throws ApiException {
        Response r = send("GET", "/v1/units/" + segment(name) + "/inspect", null);
        byte[] body = expect(r, 200);
        json(body); // checks it is JSON
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Flotilla extension: whether the agent serving the API can read the cluster store.
     *
     * @throws ApiException 503 when it cannot
     */
    public Health health() throws ApiException {
        Response r = send("GET", "/v1/health", null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.health(json), r.path());
    }

    /**
     * Dev mode only: the simulated machines of the {@code flotilla dev} or {@code flotilla demo} cluster serving this
     * API.
     *
     * @throws ApiException 404 when the API is not a dev cluster's
     */
    public List<DevMachine> devMachines() throws ApiException {
        Response r = send("GET", "/v1/dev/machines", null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.devMachines(json), r.path());
    }

    /**
     * Dev mode only: stops ({@code start == false}) or starts again one simulated machine, named by its number, IP
     * or machine ID (a unique prefix). Stopping it is a machine loss: its units stop (their endpoints leave the
     * registry first), its lease goes, and the engine places its units elsewhere. Returns the machine as it is now.
     *
     * @throws ApiException 404 when the API is not a dev cluster's or no machine matches, 409 when the machine
     *     named serves this very request
     */
    public DevMachine devMachine(String machine, boolean start) throws ApiException {
        Response r = send("POST", "/v1/dev/machines/" + URLEncoder.encode(machine, StandardCharsets.UTF_8)
                + (start ? "/start" : "/stop"), new byte[0]);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.devMachine(json), r.path());
    }

    /**
     * Flotilla extension: the user key {@code key} (it starts with {@code /}), with the seconds it has left when it
     * has a TTL; empty when it does not exist.
     *
     * @throws ApiException 400 for a malformed key, 403 for one of the cluster's own keys
     */
    public Optional<KvEntry> kvGet(String key) throws ApiException {
        Response r = send("GET", kvPath(key), null);
        if (r.status() == 404) {
            apiError(r);
            return Optional.empty();
        }
        Object json = json(expect(r, 200));
        return Optional.of(decode(() -> Wire.kvEntry(json), r.path()));
    }

    /**
     * Flotilla extension: every user key under {@code prefix}, sorted by key (the cluster's own keys left out).
     *
     * @throws ApiException 400 for a malformed prefix, 403 for one inside the cluster's own keys
     */
    public List<KvEntry> kvList(String prefix) throws ApiException {
        List<KvEntry> entries = new ArrayList<>();
        for (Object item : all("/v1/kv", Map.of("prefix", prefix), "kvs")) {
            entries.add(decode(() -> Wire.kvEntry(item), "/v1/kv"));
        }
        return entries;
    }

    /**
     * Flotilla extension: writes {@code value} under the user key {@code key}; with a {@code ttl}, the key vanishes
     * that long after this write unless written again. Returns the key as written.
     *
     * @throws ApiException 400 for a malformed key, value or TTL; 403 for one of the cluster's own keys
     */
    public KvEntry kvPut(String key, String value, Duration ttl) throws ApiException {
        Response r = send("PUT", kvPath(key), Wire.writeKv(value, ttl == null ? null : ttl.toSeconds()));
        Object json = json(expect(r, 200, 201));
        return decode(() -> Wire.kvEntry(json), r.path());
    }

    /** Flotilla extension: deletes the user key; false (and nothing done) when it did not exist. */
    public boolean kvDelete(String key) throws ApiException {
        Response r = send("DELETE", kvPath(key), null);
        if (r.status() == 404) {
            apiError(r);
            return false;
        }
        expect(r, 204, 200);
        return true;
    }

    /**
     * Flotilla extension: deletes every user key under {@code prefix}; returns how many.
     *
     * @throws ApiException 400 for a prefix that covers the cluster's own keys
     */
    public long kvDeletePrefix(String prefix) throws ApiException {
        Response r = send("DELETE", "/v1/kv" + query(Map.of("prefix", prefix)), null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.deleted(json), r.path());
    }

    /**
     * Flotilla extension: opens the events stream {@code query} asks for ({@code GET /v1/events}); returns once the
     * agent has subscribed it. A following stream's reads wait up to {@value #EVENTS_READ_TIMEOUT_SECONDS} s (the
     * agent sends a comment line every 15 s), so a silent connection is found dead.
     *
     * @throws ApiException 400 for a bad filter or event ID
     */
    public EventStream events(EventQuery query) throws ApiException {
        Map<String, String> params = new LinkedHashMap<>();
        if (!query.units().isEmpty()) {
            params.put("unit", String.join(",", query.units()));
        }
        if (!query.machines().isEmpty()) {
            params.put("machine", String.join(",", query.machines()));
        }
        if (!query.types().isEmpty()) {
            params.put("type", String.join(",", query.types()));
        }
        if (query.lastEventId() == null && query.last() > 0) {
            params.put("last", Integer.toString(query.last()));
        }
        if (!query.follow()) {
            params.put("follow", "false");
        }
        String path = "/v1/events" + query(params);
        HttpURLConnection c = stream(path, query.follow(), query.lastEventId());
        try {
            return new EventStream(c, endpoint.toString(), query.lastEventId());
        } catch (IOException e) {
            c.disconnect();
            throw failure(e);
        }
    }

    /**
     * Flotilla extension: the services registered in the cluster, sorted by name, with how many endpoints each has
     * in each health ({@code GET /v1/services}).
     */
    public List<ServiceSummary> services() throws ApiException {
        Response r = send("GET", "/v1/services", null);
        Object json = json(expect(r, 200));
        List<ServiceSummary> services = new ArrayList<>();
        for (Object item : decode(() -> Wire.items(json, "services"), r.path())) {
            services.add(decode(() -> Wire.serviceSummary(item), r.path()));
        }
        return services;
    }

    /**
     * Flotilla extension: every endpoint of the service, sorted by unit then machine ({@code GET /v1/services/{name}});
     * a service nobody registers has none.
     *
     * @throws ApiException 400 when {@code name} is not a service name ({@code [a-z0-9][a-z0-9-]{0,62}})
     */
    public ServiceView service(String name) throws ApiException {
        return service(name, null);
    }

    /**
     * Flotilla extension: the endpoints of the service in health {@code health} ({@link ServiceEndpoint#PASSING},
     * {@link ServiceEndpoint#WARNING} or {@link ServiceEndpoint#CRITICAL}; null for all), sorted by unit then machine.
     *
     * @throws ApiException 400 when {@code name} is not a service name or {@code health} not a health
     */
    public ServiceView service(String name, String health) throws ApiException {
        String path = "/v1/services/" + segment(name) + (health == null ? "" : query(Map.of("health", health)));
        Response r = send("GET", path, null);
        Object json = json(expect(r, 200));
        return decode(() -> Wire.serviceView(json), r.path());
    }

    /**
     * Flotilla extension: follows the service's endpoints ({@code GET /v1/services/{name}/watch}). {@code listener}
     * gets the whole list once the watch is open, then again after every change, on the watch's own thread, one
     * call at a time. When the stream drops (the agent stops, the network breaks, {@value #EVENTS_READ_TIMEOUT_SECONDS}
     * s without even a heartbeat) the watch reconnects with a growing pause (up to
     * {@link ServiceWatch#MAX_BACKOFF}) and the listener gets the whole list again. Returns once the first
     * connection is open, so a bad name or an unreachable agent fails here.
     *
     * @throws ApiException 400 for a bad service name, or as every call when the agent cannot be reached
     */
    public ServiceWatch watchService(String name, Consumer<ServiceView> listener) throws ApiException {
        return watchService(name, listener, failure -> { });
    }

    /**
     * As {@link #watchService(String, Consumer)}, and {@code onFailure} hears why the stream dropped or a
     * reconnection failed (it is called on the watch's thread before each pause; the watch goes on trying until
     * closed).
     */
    public ServiceWatch watchService(String name, Consumer<ServiceView> listener, Consumer<ApiException> onFailure)
            throws ApiException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(onFailure, "onFailure");
        String path = "/v1/services/" + segment(name) + "/watch";
        HttpURLConnection first = stream(path, true, null);
        return ServiceWatch.start(name, first, () -> stream(path, true, null), endpoint.toString(), listener, onFailure);
    }

    /**
     * An open Server-Sent Events response of {@code path}; a following one reads with the longer timeout that outlasts
     * the agent's heartbeats.
     */
    private HttpURLConnection stream(String path, boolean follow, String lastEventId) throws ApiException {
        HttpURLConnection c = null;
        try {
            c = open("GET", path, follow ? Math.max(timeoutMillis, EVENTS_READ_TIMEOUT_SECONDS * 1000) : timeoutMillis);
            c.setRequestProperty("Accept", "text/event-stream");
            c.setRequestProperty("Connection", "close"); // never reused: closing the stream closes its socket
            if (lastEventId != null) {
                c.setRequestProperty("Last-Event-ID", lastEventId);
            }
            int status = c.getResponseCode();
            if (status != 200) {
                byte[] bytes;
                try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                    bytes = in == null ? new byte[0] : in.readAllBytes();
                }
                Response r = new Response("GET", path, status, bytes);
                if (status == 401) {
                    throw unauthorized(r);
                }
                expect(r, 200);
            }
            return c;
        } catch (IOException e) {
            if (c != null) {
                c.disconnect();
            }
            throw failure(e);
        } catch (ApiException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            throw e;
        }
    }

    /** Nothing to release: connections are pooled by the JDK and closed when idle. */
    @Override
    public void close() {
    }

    private List<Object> all(String path, Map<String, String> query, String field) throws ApiException {
        List<Object> result = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>(query);
        Set<String> seen = new HashSet<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            Response r = send("GET", path + query(params), null);
            Object body = json(expect(r, 200));
            result.addAll(decode(() -> Wire.items(body, field), path));
            String token = decode(() -> Wire.nextPageToken(body), path);
            if (token == null || token.isEmpty()) {
                return result;
            }
            if (!seen.add(token)) {
                throw new ApiException(0, "the API at " + endpoint + " repeated the page token " + token + " of "
                        + path + "; it is not paging correctly");
            }
            params.put("nextPageToken", token);
        }
        throw new ApiException(0, "the API at " + endpoint + " returned more than " + MAX_PAGES + " pages of " + path);
    }

    private static String query(Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, String> param : params.entrySet()) {
            q.append(q.isEmpty() ? '?' : '&').append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    /**
     * Sends one request. A {@code GET} or {@code PUT} (each says the whole of what it wants, so sending it twice
     * is the same as once) that meets 503 because the cluster store did not answer, as it does while etcd elects
     * a new leader, is sent once more after {@link #STORE_RETRY_PAUSE_MILLIS}; a second 503 is the caller's.
     */
    private Response send(String method, String path, byte[] body) throws ApiException {
        Response response = sendOnce(method, path, body);
        if (response.status() == 503 && ("GET".equals(method) || "PUT".equals(method))
                && new String(response.body(), StandardCharsets.UTF_8).contains(STORE_UNAVAILABLE)) {
            try {
                Thread.sleep(STORE_RETRY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response;
            }
            response = sendOnce(method, path, body);
        }
        return response;
    }

    private Response sendOnce(String method, String path, byte[] body) throws ApiException {
        HttpURLConnection c = null;
        try {
            c = open(method, path, timeoutMillis);
            c.setRequestProperty("Accept", "application/json");
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            if (status < 0) {
                throw new EndpointUnreachableException("the endpoint " + endpoint + " did not answer in HTTP");
            }
            byte[] bytes;
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                bytes = in == null ? new byte[0] : in.readAllBytes();
            }
            Response response = new Response(method, path, status, bytes);
            if (status == 401) {
                throw unauthorized(response);
            }
            return response;
        } catch (IOException e) {
            if (c != null) {
                c.disconnect();
            }
            throw failure(e);
        }
    }

    /** A connection for {@code method path} with the token, TLS and timeouts set; not yet sent. */
    private HttpURLConnection open(String method, String path, int readTimeoutMillis) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(root + path).toURL().openConnection();
        if (tls != null && c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls);
        }
        if (token != null) {
            c.setRequestProperty("Authorization", token.header());
        }
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(readTimeoutMillis);
        c.setRequestMethod(method);
        return c;
    }

    /** What a failed exchange means for the user: unreachable, not TLS, timed out, ... */
    private EndpointUnreachableException failure(IOException e) {
        if (e instanceof SSLException ssl) {
            return new EndpointUnreachableException(tlsFailure(ssl));
        }
        if (e instanceof ConnectException) {
            return new EndpointUnreachableException("cannot connect to the API at " + endpoint
                    + " (is an agent running there? see --endpoint)");
        }
        if (e instanceof SocketTimeoutException) {
            return new EndpointUnreachableException("no answer from the API at " + endpoint + " within "
                    + seconds() + " (see --request-timeout)");
        }
        if (e instanceof UnknownHostException) {
            return new EndpointUnreachableException("unknown host " + e.getMessage() + " in endpoint " + endpoint);
        }
        // Under TLS 1.3 a server that refuses the client's certificate (or its absence) says so after the
        // handshake, so the client sees a plain write or read failure rather than an SSLException.
        return new EndpointUnreachableException("the API at " + endpoint + " failed: " + e.getMessage()
                + ("http".equals(endpoint.getScheme()) ? " (if the agent serves HTTPS, use https://)"
                        : " (if the agent demands a client certificate, pass --cert-file and --key-file)"));
    }

    private UnauthorizedException unauthorized(Response r) {
        return token == null ? new UnauthorizedException("the API at " + endpoint + " needs a token", false)
                : new UnauthorizedException("the API at " + endpoint + " refused the token from " + tokenSource, true);
    }

    /** What went wrong in a TLS handshake, and what to check. */
    private String tlsFailure(SSLException e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reason.contains("PKIX") || reason.contains("certification path")) {
            return "the API at " + endpoint + " presented a certificate this client does not trust: pass --ca-file "
                    + "with the CA that signed it";
        }
        if (reason.contains("subject alternative") || reason.contains("No name matching")) {
            return "the certificate of the API at " + endpoint + " does not name " + endpoint.getHost() + " (" + reason
                    + "): use the address its certificate names";
        }
        if (reason.contains("Unsupported or unrecognized SSL message") || reason.contains("plaintext")) {
            return "the API at " + endpoint + " does not speak TLS: use http://";
        }
        return "TLS with the API at " + endpoint + " failed (" + reason + "): check --ca-file, and --cert-file and "
                + "--key-file if the agent demands a client certificate";
    }

    private String seconds() {
        return timeoutMillis % 1000 == 0 ? timeoutMillis / 1000 + " s" : timeoutMillis + " ms";
    }

    private byte[] expect(Response r, int... ok) throws ApiException {
        for (int status : ok) {
            if (r.status() == status) {
                return r.body();
            }
        }
        throw new ApiException(r.status(), apiError(r));
    }

    /** The message of fleet's error body; a response without one did not come from the API. */
    private String apiError(Response r) throws ApiException {
        try {
            String message = Wire.errorMessage(Wire.parse(r.body()));
            return message == null || message.isBlank() ? "HTTP " + r.status() : message;
        } catch (Wire.MalformedException e) {
            throw new EndpointUnreachableException("the endpoint " + endpoint + " answered HTTP " + r.status() + " to "
                    + r.method() + " " + r.path() + " without fleet's error body: is it a Flotilla (or fleet) API? "
                    + excerpt(r.body()));
        }
    }

    private Object json(byte[] body) throws ApiException {
        try {
            return Wire.parse(body);
        } catch (Wire.MalformedException e) {
            throw new EndpointUnreachableException("the endpoint " + endpoint + " answered something that is not "
                    + "JSON (" + e.getMessage() + "): is it a Flotilla (or fleet) API? " + excerpt(body));
        }
    }

    private interface Decoder<T> {
        T decode() throws Wire.MalformedException;
    }

    private <T> T decode(Decoder<T> decoder, String path) throws ApiException {
        try {
            return decoder.decode();
        } catch (Wire.MalformedException | RuntimeException e) {
            throw new EndpointUnreachableException("the endpoint " + endpoint + " answered " + path
                    + " with JSON of another shape (" + e.getMessage() + "): is it a Flotilla (or fleet) API?");
        }
    }

    private static String excerpt(byte[] body) {
        String line = new String(body, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        return line.length() > 120 ? "\"" + line.substring(0, 120) + "...\"" : "\"" + line + "\"";
    }

    /** {@code /v1/kv} and the key, each of its {@code /}-separated parts percent-encoded. */
    static String kvPath(String key) {
        StringBuilder path = new StringBuilder("/v1/kv");
        String rest = key.startsWith("/") ? key.substring(1) : key;
        for (String part : rest.split("/", -1)) {
            path.append('/').append(segment(part));
        }
        return path.toString();
    }

    /** Percent-encodes a path segment, keeping the characters unit names use ({@code @ : . _ -}) readable. */
    static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~@:".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
