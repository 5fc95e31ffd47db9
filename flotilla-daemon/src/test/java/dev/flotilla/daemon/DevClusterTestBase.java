package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitState;
import dev.flotilla.unit.UnitFile;

/**
 * A fresh four-machine {@link DevCluster} per test, driven through the fleet v1 API of its first
 * machine the way the CLI drives it; stopped (every unit with it) after the test.
 */
abstract class DevClusterTestBase {

    protected DevCluster cluster;
    protected FleetClient api;

    @BeforeEach
    void startCluster() throws Exception {
        Path work = Path.of(System.getProperty("flotilla.test.workdir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(work);
        cluster = DevCluster.start(4, Files.createTempDirectory(work, getClass().getSimpleName()), 0);
        assertThat(cluster.awaitJoined(Duration.ofSeconds(20))).as("all four machines join").isTrue();
        api = new FleetClient(cluster.machines().getFirst().apiUrl(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stopCluster() {
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Submits a unit file and asks for it to run, as {@code flotilla start FILE} does. */
    protected void launch(String name, String contents) throws Exception {
        List<UnitOption> options = UnitFile.parse(name, contents).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, contents, DesiredState.LAUNCHED));
    }

    /** The reported states that pass {@code filter}, by unit name. */
    protected Map<String, UnitState> states(Predicate<UnitState> filter) throws Exception {
        return api.states(null, null).stream().filter(filter)
                .collect(Collectors.toMap(UnitState::name, s -> s, (a, b) -> a, TreeMap::new));
    }
}
