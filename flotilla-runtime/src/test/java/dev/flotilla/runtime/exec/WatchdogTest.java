package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.Heartbeat;
import dev.flotilla.runtime.ProcTestSupport;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/**
 * The exec runtime's fencing watchdog: a perl process of its own that stops the runtime's units once
 * the agent's heartbeat has run out, whether the runtime still runs (a hung agent) or not (a dead
 * one), and that a new runtime adopts together with the units.
 */
class WatchdogTest extends ExecTestSupport {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration LINGER = Duration.ofSeconds(60);

    private Path heartbeat() {
        return work.resolve("heartbeat");
    }

    /** Writes a heartbeat whose fence time is {@code fenceIn} from now. */
    private void beat(Duration fenceIn, Duration linger) throws Exception {
        Heartbeat.of(fenceIn.plusMillis(250), fenceIn, POLL, linger).write(heartbeat());
    }

    @AfterEach
    void retireWatchdog() throws Exception {
        // fence at once, exit as soon as nothing is left: what an agent's drain writes
        beat(Duration.ofSeconds(-1), Duration.ZERO);
        Optional<Long> pid = runtime.watchdogPid();
        pid.ifPresent(p -> await().atMost(BOUND).until(() -> !ProcTestSupport.alive(p)));
    }

    @Test
    void aHeartbeatThatRunsOutStopsTheUnitsOfARuntimeThatStillRunsAndRestartDoesNotBringThemBack() throws Exception {
        beat(Duration.ofSeconds(2), LINGER);
        runtime.armWatchdog(heartbeat());
        long pid = start("web.service", "[Service]\nExecStart=/bin/sleep 1000\nRestart=always\nRestartSec=100ms\n")
                .mainPid().orElseThrow();
        double fenceAt = Heartbeat.read(heartbeat()).orElseThrow().fenceAt();

        await().atMost(BOUND).until(() -> !ProcTestSupport.alive(pid));
        assertThat(Heartbeat.now()).as("not before the fence time").isGreaterThanOrEqualTo(fenceAt);
        UnitStatus s = awaitState("web.service", "inactive/dead");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("fenced by the watchdog at"));
        assertThat(s.restarts()).as("Restart=always does not bring a fenced unit back").isZero();
        assertThat(Files.readString(Heartbeat.fencedMarker(heartbeat()))).contains("the agent's heartbeat ran out");
        assertThat(Files.readString(work.resolve("state").resolve(ExecWatchdog.LOG_FILE)))
                .contains("fencing every unit", "web.service: sent signal 15 to " + pid);
    }

    @Test
    void unitsOfADeadAgentAreStoppedAndANewRuntimeAdoptsThemStoppedAndTheWatchdogToo() throws Exception {
        Path state = work.resolve("dead-agent");
        long pid;
        long watchdog;
        beat(Duration.ofSeconds(60), LINGER);
        try (ExecRuntime dead = ExecRuntime.open(ExecRuntimeConfig.of(state))) {
            dead.adopt();
            dead.armWatchdog(heartbeat());
            watchdog = dead.watchdogPid().orElseThrow();
            pid = get(dead.start(new dev.flotilla.runtime.StartRequest(unit("web.service",
                    "[Service]\nExecStart=/bin/sleep 1000\nRestart=always\n"), MACHINE, java.util.Map.of())))
                    .mainPid().orElseThrow();
        }
        assertThat(ProcTestSupport.alive(pid)).as("closing the runtime leaves the unit running").isTrue();

        try (ExecRuntime again = ExecRuntime.open(ExecRuntimeConfig.of(state))) {
            again.adopt();
            again.armWatchdog(heartbeat());
            assertThat(again.watchdogPid()).as("the running watchdog is adopted, not replaced").hasValue(watchdog);
            assertThat(again.status(UnitName.parse("web.service")).orElseThrow().mainPid()).hasValue(pid);
        }

        beat(Duration.ofMillis(-1), LINGER); // the agent died: its heartbeat runs out
        await().atMost(BOUND).until(() -> !ProcTestSupport.alive(pid));

        try (ExecRuntime adopting = ExecRuntime.open(ExecRuntimeConfig.of(state))) {
            adopting.adopt();
            UnitName name = UnitName.parse("web.service");
            await().atMost(BOUND).until(() -> adopting.status(name).orElseThrow().isSettled());
            UnitStatus s = adopting.status(name).orElseThrow();
            assertThat(s.stateName()).isEqualTo("inactive/dead");
            assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("fenced by the watchdog at"));
            assertThat(s.restarts()).isZero();
            assertThat(s.mainPid()).isEmpty();
            beat(Duration.ofSeconds(-1), Duration.ZERO);
            await().atMost(BOUND).until(() -> !ProcTestSupport.alive(watchdog));
        }
    }

    @Test
    void aProcessThatIgnoresItsKillSignalGetsSigkillAfterTheStopTimeoutAndDescendantsGoToo() throws Exception {
        beat(Duration.ofSeconds(60), LINGER);
        runtime.armWatchdog(heartbeat());
        Path ready = work.resolve("ready");
        long pid = start("stubborn.service", """
                [Service]
                ExecStart=/bin/sh -c 'trap "" TERM; /bin/sleep 1000 & touch %s; while :; do sleep 0.2; done'
                TimeoutStopSec=1
                """.formatted(ready)).mainPid().orElseThrow();
        await().atMost(BOUND).until(() -> Files.exists(ready));

        beat(Duration.ofMillis(-1), LINGER);
        UnitStatus s = awaitState("stubborn.service", "failed/failed");
        assertThat(ProcTestSupport.alive(pid)).isFalse();
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("fenced by the watchdog at"));
        assertThat(Files.readString(work.resolve("state").resolve(ExecWatchdog.LOG_FILE)))
                .contains("stubborn.service: " + pid + " outlived its stop timeout (1.000 s): sent signal 9");
    }

    @Test
    void anExplicitStartAfterAFenceRunsTheUnitAgainAndTheWatchdogLeavesItAloneWhileTheHeartbeatIsFresh() throws Exception {
        beat(Duration.ofMillis(-1), LINGER);
        runtime.armWatchdog(heartbeat());
        long first = start("web.service", "[Service]\nExecStart=/bin/sleep 1000\n").mainPid().orElseThrow();
        await().atMost(BOUND).until(() -> !ProcTestSupport.alive(first));
        awaitState("web.service", "inactive/dead");

        beat(Duration.ofSeconds(60), LINGER); // the agent is back, with a new lease
        UnitStatus again = start("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        assertThat(again.stateName()).isEqualTo("active/running");
        assertThat(again.reason()).isEmpty();
        assertThat(Files.exists(work.resolve("state").resolve("web.service").resolve(ExecWatchdog.UNIT_MARKER))).isFalse();
    }

    @Test
    void theWatchdogExitsOnceNothingIsLeftToGuardForItsLingerAndArmingStartsANewOne() throws Exception {
        beat(Duration.ofMillis(-1), Duration.ofMillis(200));
        runtime.armWatchdog(heartbeat());
        long first = runtime.watchdogPid().orElseThrow();
        await().atMost(BOUND).until(() -> !ProcTestSupport.alive(first));
        assertThat(Files.exists(Heartbeat.fencedMarker(heartbeat()))).as("it fenced nothing").isFalse();

        beat(Duration.ofSeconds(60), LINGER);
        runtime.armWatchdog(heartbeat());
        assertThat(runtime.watchdogPid()).hasValueSatisfying(p -> assertThat(p).isNotEqualTo(first));
    }

    @Test
    void aWatchdogOverAnotherHeartbeatIsReplaced() throws Exception {
        beat(Duration.ofSeconds(60), LINGER);
        runtime.armWatchdog(heartbeat());
        long first = runtime.watchdogPid().orElseThrow();
        Path other = work.resolve("other-heartbeat");
        Heartbeat.of(Duration.ofSeconds(60), Duration.ofSeconds(60), POLL, LINGER).write(other);
        try (ExecRuntime second = ExecRuntime.open(ExecRuntimeConfig.of(work.resolve("state")))) {
            second.armWatchdog(other);
            assertThat(second.watchdogPid()).hasValueSatisfying(p -> assertThat(p).isNotEqualTo(first));
            await().atMost(BOUND).until(() -> !ProcTestSupport.alive(first));
            long replacement = second.watchdogPid().orElseThrow();
            Heartbeat.of(Duration.ZERO, Duration.ofSeconds(-1), POLL, Duration.ZERO).write(other);
            await().atMost(BOUND).until(() -> !ProcTestSupport.alive(replacement));
        }
    }
}
