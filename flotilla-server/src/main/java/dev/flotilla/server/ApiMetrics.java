package dev.flotilla.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.ServiceSummary;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.StoreException;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The API's own metrics and {@code GET /metrics}: every request counted and timed by method, route (the path
 * template, e.g. {@code /fleet/v1/units/{name}}, so that unit names do not make new series) and status, the
 * events log's figures, the registered service endpoints by service and health (read from the registry at each
 * scrape), and the scrape of the whole registry in Prometheus's text format. docs/observability.md
 * lists every metric. Thread-safe.
 */
final class ApiMetrics {

    /** Prometheus's text exposition format, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(ApiMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final Registry cluster;
    private final MultiGauge endpoints;

    ApiMetrics(PrometheusMeterRegistry registry, ClusterEvents events, Registry cluster) {
        this.registry = registry;
        this.cluster = cluster;
        this.endpoints = MultiGauge.builder("flotilla.service.endpoints")
                .description("Registered endpoints of each service, by health (read at each scrape)").register(registry);
        Gauge.builder("flotilla.events.subscribers", events, ClusterEvents::subscribers)
                .description("Clients following GET /v1/events on this agent").register(registry);
        FunctionCounter.builder("flotilla.events", events, ClusterEvents::published)
                .description("Events this agent's events log has seen since it started").register(registry);
    }

    /** Records a finished request (Javalin's request logger: after the response, streams included). */
    void record(Context ctx, Float millis) {
        Timer.builder("flotilla.api.requests")
                .description("API requests by method, route and status; an events stream counts its whole life")
                .tag("method", ctx.method().name())
                .tag("route", route(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(Duration.ofNanos((long) (millis == null ? 0 : millis * 1_000_000)));
    }

    /** {@code GET /metrics}: every metric of this machine, in Prometheus's text format. */
    void scrape(Context ctx) {
        refreshEndpoints();
        ctx.status(200).contentType(CONTENT_TYPE).result(registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the endpoint gauges to the registry's counts now; a store failure leaves the last ones. */
    private void refreshEndpoints() {
        List<ServiceSummary> services;
        try {
            services = ServicesResource.summaries(cluster.services().list());
        } catch (StoreException e) {
            LOG.debug("metrics: cannot read the service endpoints: {}", e.getMessage());
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ServiceSummary s : services) {
            rows.add(MultiGauge.Row.of(Tags.of("service", s.name(), "health", "passing"), s.passing()));
            rows.add(MultiGauge.Row.of(Tags.of("service", s.name(), "health", "warning"), s.warning()));
            rows.add(MultiGauge.Row.of(Tags.of("service", s.name(), "health", "critical"), s.critical()));
        }
        endpoints.register(rows, true);
    }

    /** The route the request matched, as its template; {@code unmatched} for a path the API does not serve. */
    private static String route(Context ctx) {
        Endpoint endpoint;
        try {
            endpoint = ctx.endpoints().lastHttpEndpoint();
        } catch (RuntimeException e) {
            endpoint = null;
        }
        return endpoint == null || endpoint.path.equals("*") ? "unmatched" : endpoint.path;
    }
}
