package dev.flotilla.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The API's own metrics and {@code GET /metrics}: every request counted and timed by method, route (the path
 * template, e.g. {@code /fleet/v1/units/{name}}, so that unit names do not make new series) and status, the
 * events log's figures, and the scrape of the whole registry in Prometheus's text format. docs/observability.md
 * lists every metric. Thread-safe.
 */
final class ApiMetrics {

    /** Prometheus's text exposition format, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    ApiMetrics(PrometheusMeterRegistry registry, ClusterEvents events) {
        this.registry = registry;
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
        ctx.status(200).contentType(CONTENT_TYPE).result(registry.scrape().getBytes(StandardCharsets.UTF_8));
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
