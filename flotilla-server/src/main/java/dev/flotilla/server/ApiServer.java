package dev.flotilla.server;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import dev.flotilla.api.TlsFiles;
import dev.flotilla.registry.ConcurrentUpdateException;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.UnitExistsException;
import dev.flotilla.registry.UnitNotFoundException;
import dev.flotilla.registry.UnitTooLargeException;
import dev.flotilla.store.StoreException;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The HTTP API of a Flotilla cluster, over a {@link Registry}: fleet's v1 API at {@code /fleet/v1/} and
 * Flotilla's extensions at {@code /v1/} (docs/api.md). Every agent serves one; tests start one over an
 * embedded store. Requests run on virtual threads; the server holds no state of its own, so several servers
 * may serve one registry.
 *
 * <p>With a token in the settings, every request must carry it ({@code Authorization: Bearer TOKEN}): one
 * without it is answered 401 before anything else is looked at. An API on an address other machines can
 * reach must have a token. The one exception is the web dashboard's static files at {@code /ui}
 * ({@link DashboardResource}): they hold no data, and the page sends the token with every request it makes.
 *
 * <p>Errors reach clients as fleet's {@code {"error":{"code":N,"message":"..."}}}: 400 for invalid input
 * (naming the unit file, line and reason), 401 without the token, 403 for a {@code /v1/kv} key among the
 * cluster's own, 404 for unknown units, keys and paths, 405, 409
 * when concurrent writers kept a unit changing, 413 for bodies over the limit, 415 for a PUT that is not JSON,
 * 501 for what is not served yet, 502/504 when the machine running a unit fails or does not answer a forwarded
 * status or journal request, 503 when the store fails, 500 for bugs (logged). Requests the web server refuses
 * before routing (malformed URLs or headers) get the same error body ({@link JsonErrorHandler}).
 *
 * <p>With {@link ApiTls} in the settings it serves HTTPS only, asking clients for a certificate when a client
 * CA is given (mutual TLS).
 *
 * <p>Thread-safe. {@link #close()} stops serving; requests in flight may be cut.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /** How long forwarding a status or journal request waits to connect to the machine running the unit. */
    static final Duration FORWARD_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long forwarding a status or journal request waits for that machine's answer. */
    static final Duration FORWARD_READ_TIMEOUT = Duration.ofSeconds(5);

    /** How often a quiet events stream sends a comment line, so that connections stay open and dead ones are found. */
    static final Duration EVENTS_HEARTBEAT = Duration.ofSeconds(15);

    private final Javalin app;
    private final URI url;
    private final EventsResource streams;
    private final ServiceWatches watches;
    /** The events this server watches for itself; empty when they were given (and are closed by their owner). */
    private final Optional<ClusterEvents> ownEvents;

    private ApiServer(Javalin app, URI url, EventsResource streams, ServiceWatches watches,
            Optional<ClusterEvents> ownEvents) {
        this.app = app;
        this.url = url;
        this.streams = streams;
        this.watches = watches;
        this.ownEvents = ownEvents;
    }

    /**
     * Starts serving {@code registry} as {@code settings} say; returns once the port is bound.
     *
     * @throws IOException when the address cannot be bound (in use, not local, no permission) or resolved
     * @throws IllegalArgumentException when the address is not loopback and the settings have no token: an API
     *     that other machines reach must not be open to anyone (docs/security.md); or when a TLS file is missing
     *     or malformed (the message names it)
     */
    public static ApiServer start(Registry registry, ApiSettings settings) throws IOException {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(settings, "settings");
        if (settings.token().isEmpty() && !ApiSettings.isLoopback(settings.host())) {
            throw new IllegalArgumentException("the API on " + settings.host() + " would be reachable from other "
                    + "machines without a token: give it a token, or serve it on a loopback address such as 127.0.0.1 "
                    + "(docs/security.md)");
        }
        Optional<SSLContext> tls = settings.tls().map(t -> TlsFiles.context(t.certFile(), t.keyFile(),
                t.clientCaFile().orElse(null)));
        SSLSocketFactory forwardingTls = TlsFiles.context(settings.tls().map(ApiTls::certFile).orElse(null),
                settings.tls().map(ApiTls::keyFile).orElse(null),
                settings.tls().flatMap(ApiTls::trustedForPeers).orElse(null)).getSocketFactory();
        Optional<ClusterEvents> ownEvents = settings.events().isPresent() ? Optional.empty()
                : Optional.of(ClusterEvents.start(registry, InstantSource.system(), ClusterEvents.DEFAULT_CAPACITY));
        EventsResource streams = new EventsResource(settings.events().orElseGet(ownEvents::orElseThrow), EVENTS_HEARTBEAT);
        ServiceWatches watches = new ServiceWatches(registry, EVENTS_HEARTBEAT);
        ApiMetrics metrics = new ApiMetrics(settings.metrics()
                .orElseGet(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
                settings.events().orElseGet(ownEvents::orElseThrow), registry);
        Javalin app = Javalin.create(config -> configure(config, registry, settings, tls, forwardingTls, streams, watches,
                metrics));
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            ownEvents.ifPresent(ClusterEvents::close);
            throw new IOException("cannot serve the API on " + settings.host() + ":" + settings.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        URI url = URI.create((tls.isPresent() ? "https://" : "http://")
                + (settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host()) + ":" + app.port());
        LOG.info("Serving the API at {} for registry {}", url, registry.root());
        return new ApiServer(app, url, streams, watches, ownEvents);
    }

    /**
     * Where the API is served, e.g. {@code http://127.0.0.1:41234} or {@code https://10.0.0.5:7070} (the bound
     * port when 0 was asked).
     */
    public URI url() {
        return url;
    }

    /** The bound port. */
    public int port() {
        return app.port();
    }

    /** Stops serving (ending its events streams and service watches) and releases the port. Idempotent. */
    @Override
    public void close() {
        streams.close();
        watches.close();
        app.stop();
        ownEvents.ifPresent(ClusterEvents::close);
    }

    private static void configure(JavalinConfig config, Registry registry, ApiSettings settings, Optional<SSLContext> tls,
            SSLSocketFactory forwardingTls, EventsResource streams, ServiceWatches watches, ApiMetrics metrics) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.startup.startupWatcherEnabled = false;
        // Jetty's pool of platform threads, not virtual threads: a request on a virtual thread waits for a
        // carrier behind the unit lifecycles of this machine's exec runtime, which are not preempted
        // (docs/benchmarks.md, "Launch": waits of up to seconds while hundreds of units started).
        config.concurrency.useVirtualThreads = false;
        config.jetty.host = settings.host();
        config.jetty.port = settings.port();
        config.http.maxRequestSize = settings.maxBodyBytes();
        config.http.prefer405over404 = true;
        config.router.ignoreTrailingSlashes = true;
        config.requestLogger.http(metrics::record);
        tls.ifPresent(context -> config.jetty.addConnector((server, http) -> httpsConnector(server, http, settings, context)));
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));

        UnitsResource units = new UnitsResource(registry, settings.pageSize());
        UnitSubmissions submissions = new UnitSubmissions(registry, settings.maxBodyBytes());
        StatesResource states = new StatesResource(registry, settings.pageSize());
        MachinesResource machines = new MachinesResource(registry, settings.pageSize(), settings.maxBodyBytes());
        ExtensionsResource extensions = new ExtensionsResource(registry, settings.diagnostics(),
                new DiagnosticsForwarder(registry, FORWARD_CONNECT_TIMEOUT, FORWARD_READ_TIMEOUT, settings.token(),
                        forwardingTls));
        KvResource kv = new KvResource(registry, settings.pageSize(), settings.maxBodyBytes());
        ServicesResource services = new ServicesResource(registry);
        MachineStatsResource machineStats = new MachineStatsResource(registry, settings.diagnostics(),
                new DiagnosticsForwarder(registry, FORWARD_CONNECT_TIMEOUT, FORWARD_READ_TIMEOUT, settings.token(),
                        forwardingTls));
        LoadBalancersResource loadBalancers = new LoadBalancersResource(registry);
        DashboardResource dashboard = new DashboardResource();
        DevMachinesResource dev = new DevMachinesResource(settings.devMachines(), settings.host());
        int maxBody = settings.maxBodyBytes();

        Optional<Authentication> authentication = settings.token().map(Authentication::new);
        config.routes.before(ctx -> {
            // The dashboard's files hold no data; what they fetch passes this check (DashboardResource).
            if (authentication.isPresent() && !DashboardResource.isDashboard(ctx.path())) {
                authentication.get().check(ctx);
            }
            if (ctx.contentLength() > maxBody) {
                throw Json.tooLarge(ctx.contentLength(), maxBody);
            }
        });
        config.routes.get("/fleet/v1/units", units::list);
        config.routes.get("/fleet/v1/units/{name}", units::get);
        config.routes.put("/fleet/v1/units/{name}", submissions::put);
        config.routes.delete("/fleet/v1/units/{name}", units::destroy);
        config.routes.get("/fleet/v1/state", states::list);
        config.routes.get("/fleet/v1/state/{name}", states::get);
        config.routes.get("/fleet/v1/machines", machines::list);
        config.routes.patch("/fleet/v1/machines", machines::patch);
        config.routes.get("/v1/health", extensions::health);
        config.routes.get("/v1/machines", machines::details);
        config.routes.post("/v1/machines/{id}/drain", machines::drain);
        config.routes.delete("/v1/machines/{id}/drain", machines::undrain);
        config.routes.get("/v1/units/{name}/placement", extensions::placement);
        config.routes.get("/v1/units/{name}/status", extensions::status);
        config.routes.get("/v1/units/{name}/journal", extensions::journal);
        config.routes.get("/v1/units/{name}/inspect", extensions::inspect);
        config.routes.get("/v1/units/{name}/file", extensions::file);
        config.routes.get("/v1/machines/{id}/stats", machineStats::stats);
        config.routes.get("/v1/loadbalancers", loadBalancers::list);
        config.routes.get(DashboardResource.PATH, dashboard::index);
        config.routes.get(DashboardResource.PATH + "/{file}", dashboard::file);
        config.routes.get("/v1/events", streams::stream);
        config.routes.get("/v1/services", services::list);
        config.routes.get("/v1/services/{name}", services::get);
        config.routes.get("/v1/services/{name}/watch", watches::stream);
        config.routes.get("/v1/dev/machines", dev::list);
        config.routes.post("/v1/dev/machines/{machine}/stop", dev::stop);
        config.routes.post("/v1/dev/machines/{machine}/start", dev::start);
        config.routes.get("/metrics", metrics::scrape);
        config.routes.get(KvResource.PATH, kv::list);
        config.routes.delete(KvResource.PATH, kv::deletePrefix);
        config.routes.get(KvResource.PATH + "/<key>", kv::get);
        config.routes.put(KvResource.PATH + "/<key>", kv::put);
        config.routes.delete(KvResource.PATH + "/<key>", kv::delete);

        config.routes.exception(ApiFailure.class, (e, ctx) -> Json.error(ctx, e.status(), e.getMessage()));
        config.routes.exception(HttpResponseException.class, ApiServer::frameworkFailure);
        config.routes.exception(UnitNotFoundException.class, (e, ctx) -> Json.error(ctx, 404, e.getMessage()));
        config.routes.exception(UnitExistsException.class, (e, ctx) -> Json.error(ctx, 409, e.getMessage()));
        config.routes.exception(ConcurrentUpdateException.class, (e, ctx) -> Json.error(ctx, 409, e.getMessage()));
        config.routes.exception(UnitTooLargeException.class, (e, ctx) -> Json.error(ctx, 413, e.getMessage()));
        config.routes.exception(StoreException.class, (e, ctx) -> {
            LOG.warn("{} {}: the store failed: {}", ctx.method(), ctx.path(), e.getMessage());
            Json.error(ctx, 503, "the cluster store is unavailable: " + e.getMessage() + "; try again");
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            Json.error(ctx, 500, "internal error: " + e + " (the agent's log has the details)");
        });
    }

    /** The only connector when TLS is on: HTTPS, asking for client certificates when there is a client CA. */
    private static Connector httpsConnector(Server server, HttpConfiguration http, ApiSettings settings, SSLContext context) {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients check the certificate against the address they dialled; an IP address has no SNI to check.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(context);
        ssl.setNeedClientAuth(settings.tls().orElseThrow().clientCaFile().isPresent());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        return connector;
    }

    /** Javalin's own refusals (no such path, wrong method, body too large) in fleet's error shape. */
    private static void frameworkFailure(HttpResponseException e, Context ctx) {
        String message = switch (e.getStatus()) {
            case 404 -> "no such API resource: " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " is not supported on " + ctx.path();
            case 413 -> "the request body is too large";
            default -> e.getMessage();
        };
        Json.error(ctx, e.getStatus(), message);
    }
}
