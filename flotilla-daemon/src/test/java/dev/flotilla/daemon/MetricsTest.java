package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a dev cluster's machines, scraped over HTTP and parsed as Prometheus's text format: the
 * units each machine holds by state, the engine's passes and decisions, reconcile passes, lease renewals, store
 * requests, API requests and the JVM, and that the counters move when units start.
 */
class MetricsTest extends DevClusterTestBase {

    /** {@code name{labels} value}; labels as Prometheus writes them. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (\\S+)$");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Every sample of a machine's scrape, as {@code name{labels}} to value (labels in the order written). */
    private Map<String, Double> scrape(MachineDaemon machine) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(machine.apiUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a Prometheus sample: %s", line).isTrue();
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static double value(Map<String, Double> samples, String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** The sum over every sample of {@code name} whose labels contain every one of {@code labels}. */
    private static double sum(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .filter(e -> java.util.Arrays.stream(labels).allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private double acrossMachines(String name, String... labels) throws Exception {
        double total = 0;
        for (MachineDaemon m : cluster.machines()) {
            total += sum(scrape(m), name, labels);
        }
        return total;
    }

    @Test
    void everyMachineServesItsMetricsAndTheCountersMoveWhenUnitsStart() throws Exception {
        Map<String, Double> first = scrape(cluster.machines().getFirst());
        assertThat(first).containsKeys("flotilla_units{state=\"active\"}", "flotilla_units{state=\"failed\"}",
                "flotilla_agent_joined", "flotilla_lease_last_renewal_age_seconds",
                "flotilla_store_connection{state=\"CONNECTED\"}", "flotilla_engine_leader",
                "flotilla_events_subscribers", "process_uptime_seconds");
        assertThat(first.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(k -> k.startsWith("jvm_threads_live_threads"));
        assertThat(value(first, "flotilla_agent_joined")).isEqualTo(1);
        assertThat(value(first, "flotilla_store_connection{state=\"CONNECTED\"}")).isEqualTo(1);
        await("one machine leads").atMost(Duration.ofSeconds(30))
                .until(() -> acrossMachines("flotilla_engine_leader") == 1);
        double decisionsBefore = acrossMachines("flotilla_engine_decisions_total", "kind=\"assign\"");
        double reconcilesBefore = acrossMachines("flotilla_agent_reconcile_seconds_count", "result=\"ok\"");

        for (int i = 1; i <= 6; i++) {
            launch("metrics@" + i + ".service", "[Service]\nExecStart=/bin/sleep 1000\n");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acrossMachines("flotilla_units", "state=\"active\"") == 6);

        assertThat(acrossMachines("flotilla_engine_decisions_total", "kind=\"assign\"") - decisionsBefore)
                .isGreaterThanOrEqualTo(6);
        assertThat(acrossMachines("flotilla_engine_pass_seconds_count")).isPositive();
        assertThat(acrossMachines("flotilla_engine_pass_seconds_bucket")).as("a histogram of pass durations").isPositive();
        assertThat(acrossMachines("flotilla_agent_reconcile_seconds_count", "result=\"ok\"")).isGreaterThan(reconcilesBefore);
        Map<String, Double> api = scrape(cluster.machines().getFirst());
        assertThat(sum(api, "flotilla_api_requests_seconds_count", "method=\"PUT\"", "route=\"/fleet/v1/units/{name}\"",
                "status=\"201\"")).isEqualTo(6);
        assertThat(sum(api, "flotilla_store_requests_seconds_count", "op=\"txn\"", "outcome=\"ok\"")).isPositive();
        assertThat(sum(api, "flotilla_store_watch_events_total")).isPositive();

        // Leases are renewed every third of their TTL (5 s): the count moves, and the last one is recent.
        double renewed = sum(api, "flotilla_lease_renewals_total", "result=\"ok\"");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                sum(scrape(cluster.machines().getFirst()), "flotilla_lease_renewals_total", "result=\"ok\"") > renewed);
        assertThat(value(scrape(cluster.machines().getFirst()), "flotilla_lease_last_renewal_age_seconds"))
                .isBetween(0.0, 5.0);
        // A path the API does not serve is one series, not one per path.
        http.send(HttpRequest.newBuilder(URI.create(cluster.machines().getFirst().apiUrl() + "/no/such/thing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape(cluster.machines().getFirst()).keySet())
                .anyMatch(k -> k.startsWith("flotilla_api_requests_seconds_count{") && k.contains("route=\"unmatched\""))
                .noneMatch(k -> k.contains("/no/such/thing"));
    }
}
