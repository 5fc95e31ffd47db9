package dev.flotilla.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.AgentEvent;
import dev.flotilla.agent.AgentStartException;
import dev.flotilla.agent.AgentStatus;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.server.ApiServer;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.store.KvStore;

/**
 * Everything one machine runs: its agent, the engine that may lead the cluster from it, and the
 * API server. The store is the caller's (a real agent's etcd connection, or dev mode's shared
 * embedded store) and is not closed here.
 *
 * <p>Every store request of the machine goes through one {@link MeteredKvStore}; its API serves the machine's
 * metrics at {@code GET /metrics} ({@link MachineMetrics}).
 *
 * <p>Every unit of the machine sees the API's URL in {@value #ENDPOINT_VARIABLE}, for sidekicks.
 *
 * <p>Start order: the API server first (so the machine registers with its URL), then the agent,
 * then the engine once the agent holds a lease (leadership lives on that lease and dies with it).
 * Not thread-safe for start/close; the parts are.
 */
public final class MachineDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MachineDaemon.class);

    /** The variable that gives every unit of the machine the URL of its agent's API. */
    public static final String ENDPOINT_VARIABLE = "FLOTILLA_ENDPOINT";

    private final Agent agent;
    private final ApiServer api;
    private final EngineStarter engine;
    private final URI apiUrl;
    private final MachineMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MachineDaemon(Agent agent, ApiServer api, EngineStarter engine, URI apiUrl, MachineMetrics metrics) {
        this.agent = agent;
        this.api = api;
        this.engine = engine;
        this.apiUrl = apiUrl;
        this.metrics = metrics;
    }

    /**
     * Starts a machine serving a plain API without a token on {@code apiHost:apiPort} (loopback only).
     *
     * @throws DaemonStartException as {@link #start(AgentConfig, ApiSettings)}
     */
    public static MachineDaemon start(AgentConfig agentConfig, String apiHost, int apiPort) throws DaemonStartException {
        return start(agentConfig, ApiSettings.on(apiHost, apiPort));
    }

    /**
     * Starts a machine.
     *
     * @param agentConfig the agent's configuration (store, IP, data dir, ...)
     * @param apiSettings where and how the API is served (address, port 0 for any free one, token, TLS); the
     *     agent's diagnostics are added here. Served on a wildcard address ({@code 0.0.0.0}), the API is
     *     registered under the machine's IP
     * @throws DaemonStartException when the API cannot serve (port in use, not loopback without a token, a TLS
     *     file unusable) or the agent cannot start (data dir unusable or locked); whatever had started is
     *     stopped again
     */
    public static MachineDaemon start(AgentConfig agentConfig, ApiSettings apiSettings) throws DaemonStartException {
        Objects.requireNonNull(agentConfig, "agentConfig");
        Objects.requireNonNull(apiSettings, "apiSettings");
        String apiHost = apiSettings.host();
        int apiPort = apiSettings.port();
        MachineMetrics metrics = new MachineMetrics();
        // Every request of the machine (agent, engine, API) goes through this one metered view of the store.
        KvStore store = metrics.meter(agentConfig.store(), agentConfig.clock());
        Registry registry = Registry.create(store, agentConfig.registryRoot(), agentConfig.clock());
        AgentDiagnostics diagnostics = new AgentDiagnostics();
        ApiServer api;
        try {
            api = ApiServer.start(registry, apiSettings.withDiagnostics(diagnostics).withMetrics(metrics.registry()));
        } catch (IOException | UncheckedIOException e) {
            metrics.close();
            throw new DaemonStartException("cannot serve the API on " + apiHost + ":" + apiPort + ": " + rootMessage(e), e);
        } catch (RuntimeException e) {
            metrics.close();
            throw new DaemonStartException("cannot serve the API on " + apiHost + ":" + apiPort + ": " + rootMessage(e), e);
        }
        URI advertised = advertised(api.url(), apiHost, agentConfig.publicIp());
        // Sidekicks find their machine's API here (flotilla kv put --endpoint "$FLOTILLA_ENDPOINT" ...), unless the
        // caller set the variable itself. Never the token: a unit that needs one is given it by its own file.
        Map<String, String> environment = new TreeMap<>(agentConfig.unitEnvironment());
        environment.putIfAbsent(ENDPOINT_VARIABLE, advertised.toString());
        Agent agent = new Agent(agentConfig.withStore(store).withApiUrl(advertised.toString())
                .withUnitEnvironment(environment));
        diagnostics.attach(agent);

        EngineStarter engine = new EngineStarter(registry, store, metrics.engineListener());
        try {
            agent.start();
            agent.subscribe(metrics.bind(agent));
            agent.subscribe(engine);
            // Events before the subscription are not replayed: an agent that joined already is told now.
            AgentStatus status = agent.status();
            if (status.leaseId().isPresent()) {
                engine.onEvent(new AgentEvent.Joined(status.machineId(), status.leaseId().getAsLong(),
                        agentConfig.leaseTtl()));
            }
        } catch (AgentStartException | RuntimeException e) {
            engine.close();
            agent.close();
            api.close();
            metrics.close();
            throw new DaemonStartException(rootMessage(e), e);
        }
        return new MachineDaemon(agent, api, engine, advertised, metrics);
    }

    /** This machine's ID (stable across restarts: kept in the data dir). */
    public MachineId machineId() {
        return agent.machineId();
    }

    /** Where this machine's API is served (as registered for other machines). */
    public URI apiUrl() {
        return apiUrl;
    }

    /** The agent, for status queries. */
    public Agent agent() {
        return agent;
    }

    /** Waits until the agent holds a lease and is registered. */
    public boolean awaitJoined(Duration timeout) throws InterruptedException {
        return agent.awaitJoined(timeout);
    }

    /**
     * Stops the machine's processes but leaves its units running, for the next agent on the same
     * data dir to adopt; the lease expires on its own, so the cluster reschedules them if no agent returns.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeEngine();
            api.close();
            agent.close();
            metrics.close();
        }
    }

    /** Stops every unit of this machine, revokes its lease (its units move at once), and stops. */
    public void drainAndClose(Duration timeout) {
        if (closed.compareAndSet(false, true)) {
            closeEngine();
            api.close();
            agent.drainAndClose(timeout);
            metrics.close();
        }
    }

    private void closeEngine() {
        try {
            engine.close();
        } catch (RuntimeException e) {
            LOG.warn("engine of {} did not close cleanly: {}", agent.machineId().shortId(), e.toString());
        }
    }

    /** The API's URL as other machines reach it: a wildcard address is replaced by the machine's IP. */
    private static URI advertised(URI served, String host, String publicIp) {
        try {
            if (!java.net.InetAddress.getByName(host).isAnyLocalAddress()) {
                return served;
            }
        } catch (java.net.UnknownHostException e) {
            return served;
        }
        String ip = publicIp.contains(":") ? "[" + publicIp + "]" : publicIp;
        return URI.create(served.getScheme() + "://" + ip + ":" + served.getPort());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
