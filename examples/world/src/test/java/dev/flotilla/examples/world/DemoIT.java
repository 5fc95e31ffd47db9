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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.flotilla.testkit.FreePorts;

/**
 * {@code flotilla demo} end to end, as a user runs it: the packaged CLI as a process (a four-machine dev cluster,
 * real MariaDB, loader, ten web processes and the load balancer as real processes), fed the tutorial's world dump,
 * asked over HTTP and through the CLI. One demo for the whole class, on 127.0.97.x so that it meets no other test's
 * addresses; the tests run in order because they share it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    private static final String FIRST_IP = "127.0.97.2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LB_LINE = Pattern.compile("(?m)^Load balancer: (http://\\S+)$");
    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (http://\\S+)$");

    private static Path work;
    private static Path data;
    private static Demo demo;
    private static String lb;
    private static String api;

    /** One run of {@code flotilla demo}, its output in a file. */
    private record Demo(Process process, Path output) {
        String said() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void startDemo() throws Exception {
        work = Files.createDirectories(Path.of(System.getProperty("flotilla.test.workdir", "target/test-work"))
                .resolve("DemoIT-" + System.nanoTime()));
        data = work.resolve("demo");
        long start = System.nanoTime();
        demo = start("first");
        System.out.printf("demo to all 10 web instances passing: %d s%n", (System.nanoTime() - start) / 1_000_000_000);
        lb = match(LB_LINE, demo.said());
        api = match(API_LINE, demo.said());
    }

    private static Demo start(String run) throws Exception {
        Path output = work.resolve("demo-" + run + ".out");
        System.out.println("demo output: " + output);
        Process p = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-jar", flotillaJar(), "demo", "--data-dir", data.toString(),
                "--first-ip", FIRST_IP, "--api-port", "0", "--lb-port", Integer.toString(FreePorts.next()),
                "--sql", Path.of("src/test/resources/world_innodb.sql").toAbsolutePath().toString(),
                "--world-dir", Path.of("").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Demo started = new Demo(p, output);
        await("demo " + run + " ready").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> LB_LINE.matcher(started.said()).find() || !p.isAlive());
        assertThat(p.isAlive()).as("demo alive; output:%n%s", started.said()).isTrue();
        assertThat(started.said()).contains("API: http://" + FIRST_IP + ":", "export FLOTILLA_ENDPOINT=",
                "bin/flotilla journal web@01.service", "bin/flotilla dev stop-machine");
        return started;
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null && demo.process().isAlive()) {
            demo.process().destroy();
            demo.process().waitFor(3, TimeUnit.MINUTES);
        }
    }

    @Test
    @Order(1)
    void loadsTheTutorialsWorldDump() throws Exception {
        JsonNode journal = get(api + "/v1/units/dbhelper.service/journal?lines=50");
        List<String> lines = new ArrayList<>();
        journal.path("entries").forEach(e -> lines.add(e.path("message").asText().strip()));
        int counting = lines.indexOf("Counting rows in world.city");
        assertThat(counting).as("dbhelper's journal: %s", lines).isNotNegative();
        assertThat(lines.get(counting + 1)).isEqualTo("4079");
        JsonNode db = get(api + "/v1/services/db?health=passing").path("endpoints").get(0);
        String rootPassword = envFile().get("WORLD_DB_ROOT_PASSWORD");
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + db.path("address").asText() + ":"
                + db.path("port").asInt() + "/world", "root", rootPassword); Statement s = c.createStatement()) {
            assertThat(count(s, "City")).isEqualTo(4079);
            assertThat(count(s, "Country")).isEqualTo(239);
            assertThat(count(s, "CountryLanguage")).isEqualTo(984);
        }
    }

    @Test
    @Order(2)
    void twoHundredRequestsReachAllTenInstancesAndEachAnswersFromTheDatabase() throws Exception {
        Set<String> instances = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = world();
            assertThat(r.statusCode()).as("request %d: %s", i, r.body()).isEqualTo(200);
            assertThat(r.body()).contains("Cities of Netherlands (NLD)", "Amsterdam");
            instances.add(r.headers().firstValue("X-World-Instance").orElse("(none)"));
        }
        assertThat(instances).hasSize(10).allMatch(i -> i.matches("web@(0[1-9]|10)\\.service"));

        // The dashboard's view of the balancer (GET /v1/loadbalancers): its admin endpoint, and those requests.
        JsonNode lbs = get(api + "/v1/loadbalancers").path("loadbalancers");
        assertThat(lbs).as("%s", lbs).hasSize(1);
        JsonNode web = lbs.get(0);
        assertThat(web.path("service").asText()).isEqualTo("web-lb");
        assertThat(web.path("unit").asText()).isEqualTo("lb.service");
        assertThat(web.path("error").isNull()).as("%s", web).isTrue();
        long served = 0;
        for (JsonNode b : web.path("status").path("backends")) {
            served += b.path("requests").asLong();
        }
        assertThat(served).as("%s", web).isGreaterThanOrEqualTo(200);
    }

    @Test
    @Order(3)
    void aStoppedMachinesInstancesLeaveTheBalancerWithoutAFailedRequestAndComeBack() throws Exception {
        Map<String, String> ips = new HashMap<>();
        get(api + "/fleet/v1/machines").path("machines").forEach(m -> ips.put(m.path("id").asText(),
                m.path("primaryIP").asText()));
        Map<String, Integer> webs = new HashMap<>();
        Set<String> keep = new TreeSet<>(Set.of(FIRST_IP));
        get(api + "/fleet/v1/state").path("states").forEach(s -> {
            String ip = ips.get(s.path("machineID").asText());
            String name = s.path("name").asText();
            if (name.startsWith("web@")) {
                webs.merge(ip, 1, Integer::sum);
            } else {
                keep.add(ip);
            }
        });
        String victim = webs.keySet().stream().filter(ip -> !keep.contains(ip)).sorted().findFirst().orElseThrow(
                () -> new AssertionError("no machine runs web instances only: " + webs + ", others on " + keep));
        System.out.printf("stopping %s, which runs %d web instances%n", victim, webs.get(victim));

        AtomicInteger requests = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        AtomicReference<Boolean> running = new AtomicReference<>(true);
        Thread traffic = Thread.ofPlatform().name("demo-traffic").start(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = world();
                    if (r.statusCode() != 200 || !r.body().contains("Amsterdam")) {
                        failures.add(r.statusCode() + " from " + r.headers().firstValue("X-World-Instance") + ": " + r.body());
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                } catch (InterruptedException e) {
                    return;
                }
                requests.incrementAndGet();
            }
        });
        try {
            await("some traffic before the stop").atMost(Duration.ofMinutes(1)).until(() -> requests.get() >= 20);
            assertThat(cli("dev", "stop-machine", victim)).contains("stopped");
            assertThat(endpoints()).noneMatch(e -> e.path("address").asText().equals(victim));
            await("10 passing again, none on " + victim).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        List<JsonNode> now = endpoints();
                        return now.size() == 10 && now.stream().allMatch(e -> e.path("health").asText().equals("passing")
                                && !e.path("address").asText().equals(victim));
                    });
            int atHeal = requests.get();
            await("traffic after the heal").atMost(Duration.ofMinutes(1)).until(() -> requests.get() >= atHeal + 20);
        } finally {
            running.set(false);
            traffic.join(Duration.ofSeconds(30));
        }
        System.out.printf("%d sequential requests through the stop and the heal%n", requests.get());
        assertThat(failures).as("failed requests of %d", requests.get()).isEmpty();
        Set<String> instances = new TreeSet<>();
        for (int i = 0; i < 60; i++) {
            instances.add(world().headers().firstValue("X-World-Instance").orElse("(none)"));
        }
        assertThat(instances).hasSize(10);

        assertThat(cli("dev", "start-machine", victim)).contains("running");
        assertThat(cli("dev", "machines")).doesNotContain("stopped");
    }

    @Test
    @Order(4)
    void sigtermLeavesNoProcessAndTheDemoRunsAgain() throws Exception {
        stopAndCheckNothingLeft(demo);
        Demo again = start("second");
        demo = again;
        assertThat(again.said()).contains("loaded the data: 4079 cities");
        stopAndCheckNothingLeft(again);
    }

    private static void stopAndCheckNothingLeft(Demo run) throws Exception {
        long pid = run.process().pid();
        List<Long> children = run.process().toHandle().descendants().map(ProcessHandle::pid).toList();
        assertThat(children).as("the demo's processes").isNotEmpty();
        run.process().destroy();
        assertThat(run.process().waitFor(3, TimeUnit.MINUTES)).as("demo %d stopped within 3 minutes", pid).isTrue();
        assertThat(run.said()).contains("Stopped.");
        assertThat(children.stream().map(ProcessHandle::of).filter(h -> h.isPresent() && h.get().isAlive()))
                .as("children left").isEmpty();
        assertThat(processesMentioning(data.toString())).as("processes using the demo's data dir").isEmpty();
    }

    /** Every process whose command line names {@code text}, from /proc (mariadbd, world.jar, shims, busybox...). */
    private static List<String> processesMentioning(String text) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains(text)) {
                        found.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException e) {
                    // The process ended while we looked.
                }
            }
        }
        return found;
    }

    private static List<JsonNode> endpoints() throws Exception {
        List<JsonNode> list = new ArrayList<>();
        get(api + "/v1/services/web").path("endpoints").forEach(list::add);
        return list;
    }

    private static HttpResponse<String> world() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(lb + "/world?country=NLD")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Runs the CLI as a user does, against the demo's API; returns its output, failing on a non-zero exit. */
    private static String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", flotillaJar()));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", api));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
        return out;
    }

    private static Map<String, String> envFile() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(data.resolve("world.env"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static int count(Statement s, String table) throws Exception {
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM world." + table)) {
            r.next();
            return r.getInt(1);
        }
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
