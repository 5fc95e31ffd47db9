package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The fleet commands are an HTTP client: starting one must not load the server side (store, jetcd,
 * registry, Javalin, Jetty, gRPC, Netty, logging, the runtimes and docker-java). Also measures how long {@code list-units} takes, and
 * prints it (a figure, not a pass/fail: machines differ).
 */
class StartupIT extends FleetCliTestBase {

    private static final List<String> SERVER_SIDE = List.of("dev.flotilla.store", "dev.flotilla.registry",
            "dev.flotilla.server", "io.etcd", "io.grpc", "io.netty", "io.javalin", "org.eclipse.jetty", "io.vertx",
            "org.h2", "ch.qos.logback", "org.slf4j", "com.fasterxml.jackson.databind", "dev.flotilla.runtime",
            "com.github.dockerjava", "org.apache.hc", "com.sun.jna", "io.micrometer", "io.prometheus");

    @Test
    void listUnitsLoadsNoServerSideClass() throws Exception {
        cluster.machine("2aa4e35a0123456789abcdef01234567", "10.0.0.1", Map.of());
        file("a.service", "[Service]\nExecStart=/bin/true\n");
        cli("submit", "a.service");

        for (String[] command : List.of(new String[] {"list-units"}, new String[] {"list-unit-files"},
                new String[] {"start", "--no-block", "a.service"}, new String[] {"cat", "nope.service"},
                new String[] {"inspect", "nope.container"}, new String[] {"kv", "get", "/nope"},
                new String[] {"events", "--lines", "5"})) {
            List<String> all = new ArrayList<>(List.of(command));
            all.addAll(List.of("--endpoint", cluster.endpoint()));
            CliProcess.Result result = CliProcess.run(CliProcess.Options.defaults().in(dir).jvm("-verbose:class"),
                    all.toArray(String[]::new));
            List<String> loaded = result.out().lines().filter(l -> l.contains("[class,load]"))
                    .map(l -> l.replaceFirst("^.*\\[class,load\\] ", "").replaceFirst(" .*$", "")).toList();
            assertThat(loaded).as(String.join(" ", command)).hasSizeGreaterThan(100)
                    .contains("dev.flotilla.api.FleetClient")
                    .noneMatch(c -> SERVER_SIDE.stream().anyMatch(c::startsWith));
        }
    }

    @Test
    void listUnitsWallTime() throws Exception {
        cluster.machine("2aa4e35a0123456789abcdef01234567", "10.0.0.1", Map.of());
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long start = System.nanoTime();
            CliProcess.Result result = cli("list-units");
            long took = (System.nanoTime() - start) / 1_000_000;
            assertThat(result.exitCode()).as(result.toString()).isZero();
            if (i > 0) {
                millis.add(took);
            }
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.println("list-units wall time over " + sorted.size() + " runs: p50 " + sorted.get(sorted.size() / 2)
                + " ms, min " + sorted.getFirst() + " ms, max " + sorted.getLast() + " ms");
    }
}
