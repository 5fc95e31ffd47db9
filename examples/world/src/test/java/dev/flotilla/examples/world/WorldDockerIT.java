package dev.flotilla.examples.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;
import dev.flotilla.testkit.FreePorts;

/**
 * {@code flotilla demo --docker} end to end: the web tier as ten {@code web@NN.container} units, containers of the
 * machine's real Docker engine running world.jar (mounted from {@code target/}) on the locally built JRE image
 * ({@link DockerImages#jre()}: no registry is reachable here), on the host network, each listening on its simulated
 * machine's address. The database, the loader and the load balancer are processes (exec mode): there is no MariaDB
 * image here. One demo for the class, on 127.0.95.x so that it meets no other test's addresses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorldDockerIT {

    private static final String FIRST_IP = "127.0.95.2";
    private static final String STATE_DIR_LABEL = "dev.flotilla.state-dir";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LB_LINE = Pattern.compile("(?m)^Load balancer: (http://\\S+)$");
    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (http://\\S+)$");

    private static Path data;
    private static Path output;
    private static Process demo;
    private static String image;
    private static String lb;
    private static String api;

    @BeforeAll
    static void startDemo() throws Exception {
        DockerEngine.require();
        Path work = Files.createDirectories(Path.of(System.getProperty("flotilla.test.workdir", "target/test-work"))
                .resolve("WorldDockerIT-" + System.nanoTime()));
        data = work.resolve("demo");
        long start = System.nanoTime();
        image = DockerImages.jre();
        System.out.printf("JRE image %s ready in %d ms%n", image, (System.nanoTime() - start) / 1_000_000);
        output = work.resolve("demo.out");
        System.out.println("demo output: " + output);
        start = System.nanoTime();
        demo = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-jar", flotillaJar(), "demo", "--docker", "--web-image",
                image, "--data-dir", data.toString(), "--first-ip", FIRST_IP, "--api-port", "0", "--lb-port",
                Integer.toString(FreePorts.next()), "--sql",
                Path.of("src/test/resources/world_innodb.sql").toAbsolutePath().toString(),
                "--world-dir", Path.of("").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        await("demo ready").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> LB_LINE.matcher(said()).find() || !demo.isAlive());
        assertThat(demo.isAlive()).as("demo alive; output:%n%s", said()).isTrue();
        System.out.printf("demo --docker to all 10 web containers passing: %d s%n",
                (System.nanoTime() - start) / 1_000_000_000);
        lb = match(LB_LINE, said());
        api = match(API_LINE, said());
        assertThat(said()).contains("loaded the data: 4079 cities", "bin/flotilla journal web@01.container");
    }

    @AfterAll
    static void stopDemo() throws Exception {
        try {
            if (demo != null && demo.isAlive()) {
                demo.destroy();
                demo.waitFor(3, TimeUnit.MINUTES);
            }
        } finally {
            if (data != null) {
                for (String id : ourContainers()) {
                    DockerEngine.docker("rm", "-f", "-v", id);
                }
            }
        }
    }

    @Test
    @Order(1)
    void theWebTierRunsAsTenContainersOfTheJreImageEachOnItsMachinesAddress() throws Exception {
        List<String> ids = ourContainers();
        assertThat(ids).hasSize(10);
        Set<String> units = new TreeSet<>();
        for (String id : ids) {
            assertThat(DockerEngine.inspect(id, "{{.State.Status}} {{.Config.Image}} {{.HostConfig.NetworkMode}}"))
                    .isEqualTo("running " + image + " host");
            units.add(DockerEngine.inspect(id, "{{index .Config.Labels \"dev.flotilla.unit\"}}"));
        }
        assertThat(units).hasSize(10).allMatch(u -> u.matches("web@(0[1-9]|10)\\.container"));
        List<String> addresses = new ArrayList<>();
        get(api + "/v1/services/web").path("endpoints").forEach(e -> addresses.add(e.path("address").asText() + ":"
                + e.path("port").asInt()));
        assertThat(addresses).hasSize(10).allMatch(a -> a.startsWith("127.0.95.")).doesNotHaveDuplicates();
    }

    @Test
    @Order(2)
    void twoHundredRequestsReachAllTenContainersAndEachAnswersFromTheDatabase() throws Exception {
        Set<String> instances = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(lb + "/world?country=NLD"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("request %d: %s", i, r.body()).isEqualTo(200);
            assertThat(r.body()).contains("Cities of Netherlands (NLD)", "Amsterdam");
            instances.add(r.headers().firstValue("X-World-Instance").orElse("(none)"));
        }
        assertThat(instances).hasSize(10).allMatch(i -> i.matches("web@(0[1-9]|10)\\.container"));
    }

    @Test
    @Order(3)
    void sigtermStopsTheDemoAndRemovesEveryContainer() throws Exception {
        demo.destroy();
        assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("demo stopped within 3 minutes").isTrue();
        assertThat(said()).contains("Stopped.");
        assertThat(ourContainers()).as("containers left").isEmpty();
    }

    /** The containers (running or not) that the demo's machines created: their state directories are in its data. */
    private static List<String> ourContainers() {
        String out = DockerEngine.docker("ps", "-aq", "--no-trunc", "--filter", "label=" + STATE_DIR_LABEL)
                .orThrow("docker ps");
        List<String> ours = new ArrayList<>();
        for (String id : out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            String stateDir = DockerEngine.docker("inspect", "--format", "{{index .Config.Labels \"" + STATE_DIR_LABEL
                    + "\"}}", id).out().strip();
            if (stateDir.startsWith(data.toString() + "/")) {
                ours.add(id);
            }
        }
        return ours;
    }

    private static String said() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("%s in:%n%s", pattern, text).isTrue();
        return m.group(1);
    }

    private static String java() {
        return System.getProperty("world.java", "java");
    }

    private static String flotillaJar() {
        return System.getProperty("flotilla.jar", "../../flotilla-cli/target/flotilla.jar");
    }
}
