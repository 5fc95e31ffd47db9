package dev.flotilla.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.Secrets;
import io.javalin.http.Context;

/**
 * {@code GET /v1/loadbalancers}: every {@code flotilla lb} of the cluster, found through the service endpoint its
 * unit declares for its admin server (tagged {@value #TAG}, docs/load-balancer.md), with what its {@code /lb/status}
 * says now. The serving agent asks every passing one in parallel, each with a short timeout, so one hung balancer
 * costs at most {@link #TIMEOUT}; one that is not passing its check is listed with the check's output as the error.
 * Request rates are left to clients (the dashboard takes counter deltas). Thread-safe.
 */
final class LoadBalancersResource {

    /** The tag a balancer's admin endpoint carries. */
    static final String TAG = "flotilla-lb";
    /** How long one balancer's {@code /lb/status} may take, connecting included. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One item of the answer. */
    record LoadBalancerView(String service, String unit, String machine, String url, JsonNode status, String error) {
    }

    private final Registry registry;
    private final HttpClient http;

    LoadBalancersResource(Registry registry) {
        this.registry = registry;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void list(Context ctx) throws StoreException {
        List<CompletableFuture<LoadBalancerView>> views = new ArrayList<>();
        for (ServiceEndpoint e : registry.services().list()) {
            if (e.tags().contains(TAG)) {
                views.add(view(e));
            }
        }
        Json.respond(ctx, 200, Map.of("loadbalancers", views.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<LoadBalancerView> view(ServiceEndpoint e) {
        String url = "http://" + (e.address().contains(":") ? "[" + e.address() + "]" : e.address()) + ":" + e.port();
        if (e.health() != ServiceHealth.PASSING) {
            return CompletableFuture.completedFuture(new LoadBalancerView(e.service(), e.unit().name(),
                    e.machineId().value(), url, null, "not passing its check (" + e.health().wireName() + ")"
                    + e.output().map(o -> ": " + Secrets.redact(o)).orElse("")));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/lb/status")).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                String why = cause instanceof HttpTimeoutException ? "no answer within " + TIMEOUT.toMillis() + " ms"
                        : cause.toString();
                return failed(e, url, "cannot read " + url + "/lb/status: " + why);
            }
            if (response.statusCode() != 200) {
                return failed(e, url, url + "/lb/status answered HTTP " + response.statusCode());
            }
            try {
                return new LoadBalancerView(e.service(), e.unit().name(), e.machineId().value(), url,
                        JSON.readTree(response.body()), null);
            } catch (IOException notJson) {
                return failed(e, url, url + "/lb/status did not answer JSON: " + notJson.getMessage());
            }
        });
    }

    private static LoadBalancerView failed(ServiceEndpoint e, String url, String error) {
        return new LoadBalancerView(e.service(), e.unit().name(), e.machineId().value(), url, null, error);
    }
}
