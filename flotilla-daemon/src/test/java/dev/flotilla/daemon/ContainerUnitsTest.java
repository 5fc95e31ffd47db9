package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitState;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeProvider;
import dev.flotilla.runtime.RuntimeSettings;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.docker.DockerRuntime;
import dev.flotilla.runtime.docker.DockerRuntimeConfig;
import dev.flotilla.runtime.exec.ExecRuntimeProvider;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitFile;

/**
 * {@code .container} units on a whole machine (agent, engine, API server over one store), driven through the
 * API as the CLI drives it: the Docker runtime is on the class path, so the agent runs them; an agent restart
 * takes the container back untouched and removes orphans; destroying the unit removes its container; an
 * engine that does not answer fails only the container units, with the reason.
 */
class ContainerUnitsTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static String image;

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<MachineDaemon> machines = new ArrayList<>();
    private KvStore store;
    private Path data;
    private FleetClient api;

    @BeforeAll
    static void buildImage() {
        image = DockerImages.busybox();
    }

    @BeforeEach
    void setUp() {
        store = EmbeddedKvStore.inMemory();
        data = WorkDirs.create("container-units");
    }

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
        machines.forEach(m -> m.drainAndClose(Duration.ofSeconds(30)));
        store.close();
        DockerEngine.removeContainersLabelled("dev.flotilla.state-dir", data.resolve("m1/docker").toString());
    }

    private MachineDaemon startMachine(AgentConfig config) throws Exception {
        MachineDaemon m = MachineDaemon.start(config, "127.0.0.2", 0);
        machines.add(m);
        assertThat(m.awaitJoined(Duration.ofSeconds(20))).isTrue();
        if (api != null) {
            api.close();
        }
        api = new FleetClient(m.apiUrl(), Duration.ofSeconds(10));
        return m;
    }

    private AgentConfig config() {
        return AgentConfig.of(store, data.resolve("m1"), "127.0.0.2").withHostname("m1");
    }

    private void launch(String name, String contents) throws Exception {
        List<UnitOption> options = UnitFile.parse(name, contents).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, contents, DesiredState.LAUNCHED));
    }

    private UnitState awaitState(String unit, Predicate<UnitState> condition) {
        await().atMost(BOUND).ignoreExceptions().until(() -> state(unit).filter(condition).isPresent());
        return state(unit).orElseThrow();
    }

    private Optional<UnitState> state(String unit) {
        try {
            return api.states(null, unit).stream().findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Test
    void aContainerUnitIsAdoptedAcrossAnAgentRestartAndRemovedWhenDestroyed() throws Exception {
        MachineDaemon first = startMachine(config());
        int port = FreePorts.next();
        String unit = "web@" + id + ".container";
        launch(unit, """
                [Unit]
                Description=busybox httpd

                [Container]
                Image=%s
                PublishPort=%d:80
                Memory=64m
                """.formatted(image, port));
        awaitState(unit, s -> "running".equals(s.systemdSubState()));
        String container = "web-" + id;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + port + "/index.html"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(BOUND).ignoreExceptions().until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).body()
                .equals(DockerImages.INDEX_HTML));

        UnitStatus status = api.status(unit);
        assertThat(status.limits()).singleElement().satisfies(l -> assertThat(l).startsWith("Memory=64m applied"));
        assertThat(status.details().get("Ports")).isEqualTo("127.0.0.2:" + port + "->80/tcp");
        assertThat(status.details().get("Processes")).contains("httpd");
        String containerId = DockerEngine.inspect(container, "{{.Id}}");
        assertThat(status.details().get("Container")).startsWith(containerId.substring(0, 12));
        assertThat(api.inspect(unit)).contains("\"Id\":\"" + containerId + "\"");
        String startedAt = DockerEngine.inspect(container, "{{.State.StartedAt}}");
        assertThat(DockerEngine.inspect(container, "{{index .Config.Labels \"dev.flotilla.machine\"}}"))
                .isEqualTo(first.machineId().value());

        String orphan = DockerEngine.docker("run", "-d", "--name", "orphan-" + id, "--label",
                "dev.flotilla.state-dir=" + data.resolve("m1/docker"), "--label", "dev.flotilla.machine="
                + first.machineId().value(), "--label", "dev.flotilla.unit=destroyed-" + id + ".container", image,
                "sleep", "1000").orThrow("docker run").strip();
        first.close();
        machines.remove(first);
        assertThat(DockerEngine.inspect(container, "{{.State.Running}}")).as("a closed agent leaves its units running")
                .isEqualTo("true");

        startMachine(config());

        awaitState(unit, s -> "running".equals(s.systemdSubState()));
        assertThat(DockerEngine.inspect(container, "{{.Id}} {{.State.StartedAt}} {{.RestartCount}}"))
                .as("the same container, not restarted").isEqualTo(containerId + " " + startedAt + " 0");
        await().atMost(BOUND).until(() -> DockerEngine.docker("inspect", orphan).status() != 0);

        api.destroyUnit(unit);
        await().atMost(BOUND).until(() -> DockerEngine.docker("ps", "-aq", "--filter", "id=" + containerId).out().isBlank());
    }

    @Test
    void withTheEngineAwayContainerUnitsFailWithTheReasonAndServiceUnitsRun() throws Exception {
        Path socket = Path.of(System.getProperty("java.io.tmpdir"), "flotilla-absent-" + id + ".sock");
        RuntimeProvider absentEngine = new RuntimeProvider() {
            @Override
            public String name() {
                return "docker";
            }

            @Override
            public java.util.Set<String> unitTypes() {
                return DockerRuntime.UNIT_TYPES;
            }

            @Override
            public Runtime open(RuntimeSettings settings) throws UnitOperationException {
                return DockerRuntime.open(DockerRuntimeConfig.of(settings.stateDir())
                        .withMachineId(settings.machineId().orElseThrow()).withDockerHost("unix://" + socket));
            }
        };
        startMachine(config().withRuntimes(List.of(new ExecRuntimeProvider(), absentEngine)));

        launch("db-" + id + ".container", "[Container]\nImage=" + image + "\n");
        launch("sidekick-" + id + ".service", "[Service]\nExecStart=/bin/sh -c 'echo alive; exec sleep 1000'\n");

        UnitState db = awaitState("db-" + id + ".container", s -> "failed".equals(s.systemdActiveState()));
        assertThat(db.reason()).contains("cannot reach the Docker engine: its socket " + socket + " does not exist");
        awaitState("sidekick-" + id + ".service", s -> "running".equals(s.systemdSubState()));
        assertThat(api.status("db-" + id + ".container").reason()).contains("it starts once the engine answers");
    }
}
