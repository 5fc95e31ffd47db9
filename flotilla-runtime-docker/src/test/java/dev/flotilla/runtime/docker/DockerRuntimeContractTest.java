package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeContract;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;

/**
 * The runtime contract the exec runtime keeps, run against the Docker runtime: the same start, stop of the whole
 * process tree, restart, adoption, journal and limit checks, with containers of the locally built busybox
 * image for units. A unit's "main process" is its container's init, as the engine reports it.
 */
class DockerRuntimeContractTest extends RuntimeContract {

    private static final List<Path> STATE_DIRS = new CopyOnWriteArrayList<>();
    private static String image;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void image() {
        image = DockerImages.busybox();
    }

    @AfterAll
    static void removeLeftovers() {
        STATE_DIRS.forEach(d -> DockerEngine.removeContainersLabelled(ContainerPlan.LABEL_STATE_DIR, d.toString()));
    }

    @Override
    protected Runtime open(Path stateDir) throws UnitOperationException {
        STATE_DIRS.add(stateDir.toAbsolutePath().normalize());
        return DockerRuntime.open(DockerRuntimeConfig.of(stateDir).withEngineRetry(Duration.ofSeconds(1)));
    }

    @Override
    protected String unitType() {
        return "container";
    }

    @Override
    protected String waitingUnit(String marker, Path trigger, int exitCode) {
        Path dir = trigger.getParent().toAbsolutePath();
        return """
                [Container]
                Image=%s
                ContainerName=%%p-%s
                Volume=%s:%s
                Exec=/bin/sh -c 'echo %s; while [ ! -e %s ]; do sleep 0.05; done; echo bye; exit %d'
                """.formatted(image, suffix, dir, dir, marker, trigger.toAbsolutePath(), exitCode);
    }

    @Override
    protected String unitWithChildren() {
        return """
                [Container]
                Image=%s
                ContainerName=%%p-%s
                Exec=/bin/sh -c 'sleep 1000 & setsid sleep 1001 & echo started; wait'
                """.formatted(image, suffix);
    }

    @Override
    protected String unitWithLimits(String memory, int cpuWeight) {
        return """
                [Container]
                Image=%s
                ContainerName=%%p-%s
                Memory=%s
                CPUWeight=%d
                Exec=sleep 1000
                """.formatted(image, suffix, memory, cpuWeight);
    }

    /** The limits are in the container's cgroup files, which hold its init (this host: cgroup v1, cgroupfs driver). */
    @Override
    protected void checkLimitsOnThisHost(UnitStatus status) throws IOException {
        assertThat(status.limits()).extracting(LimitReport::setting).containsExactly("Memory", "CPUWeight");
        for (LimitReport l : status.limits()) {
            assertThat(l.applied()).as("%s applied: %s", l.setting(), l.detail()).isTrue();
            String detail = l.detail();
            if (!detail.contains(" in /sys/fs/cgroup")) {
                continue; // the engine set it, but this process cannot see the container's cgroup
            }
            Path dir = Path.of(detail.substring(detail.indexOf(" in ") + 4));
            String file = detail.substring(0, detail.indexOf('='));
            String value = detail.substring(detail.indexOf('=') + 1, detail.indexOf(" in "));
            assertThat(Files.readString(dir.resolve(file)).strip()).isEqualTo(value);
            assertThat(Files.readAllLines(dir.resolve("cgroup.procs"))).contains(Long.toString(status.mainPid().getAsLong()));
            if (file.equals("memory.limit_in_bytes")) {
                assertThat(value).isEqualTo(Long.toString(64L << 20));
            } else if (file.equals("cpu.shares")) {
                assertThat(value).as("CPUWeight=200 is 2048 shares").isEqualTo("2048");
            }
        }
    }
}
