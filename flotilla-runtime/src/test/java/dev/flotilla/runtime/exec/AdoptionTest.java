package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.ProcTestSupport;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/**
 * Agent restarts: units outlive the agent (even kill -9 of its JVM) and a new runtime over the same
 * state directory adopts them wherever they were in their lifecycle.
 */
class AdoptionTest extends ExecTestSupport {

    @Test
    void unitsSurviveKillMinusNineOfTheAgentAndAreAdoptedWithTheirOutput() throws Exception {
        Path state = work.resolve("agent-state");
        Path trigger = work.resolve("trigger");
        Path unitFile = work.resolve("ticker.service");
        Files.writeString(unitFile, """
                [Service]
                ExecStart=/bin/sh -c 'i=0; while [ ! -e %s ]; do echo "tick $i"; i=$((i+1)); sleep 0.05; done; echo bye; exit 5'
                """.formatted(trigger));
        String javaCommand = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        Process agent = new ProcessBuilder(javaCommand, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName(), state.toString(), "ticker.service",
                unitFile.toString()).redirectErrorStream(true).start();
        long pid;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            String running = CompletableFuture.supplyAsync(() -> out.lines().filter(l -> l.startsWith("RUNNING ")).findFirst()
                    .orElse("agent ended")).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            pid = Long.parseLong(running.substring("RUNNING ".length()));
        } finally {
            agent.destroyForcibly();
            agent.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
        Path run = state.resolve("ticker.service").resolve("run");
        Path output;
        try (Stream<Path> files = Files.list(run)) {
            output = files.filter(p -> p.toString().endsWith(".out")).findFirst().orElseThrow();
        }
        long sizeAtDeath = Files.size(output);
        await().atMost(BOUND).until(() -> Files.size(output) > sizeAtDeath + 100);
        assertThat(ProcTestSupport.alive(pid)).as("the unit outlives the agent").isTrue();

        try (ExecRuntime second = ExecRuntime.open(ExecRuntimeConfig.of(state))) {
            List<UnitStatus> adopted = second.adopt();
            assertThat(adopted).singleElement().satisfies(s -> {
                assertThat(s.stateName()).isEqualTo("active/running");
                assertThat(s.mainPid()).hasValue(pid);
            });
            Files.createFile(trigger);
            UnitName name = UnitName.parse("ticker.service");
            await().atMost(BOUND).until(() -> second.status(name).orElseThrow().isSettled());
            assertThat(second.status(name).orElseThrow().lastExit()).contains(new ProcessExit.Exited(5));

            await().atMost(BOUND).until(() -> second.journal(name, 100_000).stream().anyMatch(e -> e.message().equals("bye")));
            List<Integer> ticks = second.journal(name, 100_000).stream().map(JournalEntry::message)
                    .filter(m -> m.startsWith("tick ")).map(m -> Integer.parseInt(m.substring(5))).distinct().sorted().toList();
            assertThat(ticks).as("no line lost across the agent's death").hasSizeGreaterThan(10)
                    .isEqualTo(IntStream.range(0, ticks.size()).boxed().toList());
        }
    }

    @Test
    void anExitWhileNoAgentRanIsNoticedWithItsStatus() throws Exception {
        Path trigger = work.resolve("trigger");
        start("leaver.service", """
                [Service]
                ExecStart=/bin/sh -c 'while [ ! -e %s ]; do sleep 0.05; done; exit 6'
                """.formatted(trigger));
        runtime.close();
        Files.createFile(trigger);
        await().atMost(BOUND).until(() -> Files.list(runtimeState().resolve("leaver.service/run"))
                .anyMatch(p -> p.toString().endsWith(".exits")));

        reopen();

        UnitStatus s = awaitState("leaver.service", "failed/failed");
        assertThat(s.lastExit()).contains(new ProcessExit.Exited(6));
    }

    @Test
    void anAdoptedStartPreIsAwaitedAndTheSequenceContinues() throws Exception {
        Path trigger = work.resolve("trigger");
        startAsync("slow.service", """
                [Service]
                ExecStartPre=/bin/sh -c 'echo pre-started; while [ ! -e %s ]; do sleep 0.05; done'
                ExecStart=/bin/sleep 1000
                """.formatted(trigger));
        awaitJournal("slow.service", "pre-started");

        reopen();
        assertThat(status("slow.service").stateName()).isEqualTo("activating/start-pre");
        Files.createFile(trigger);

        UnitStatus s = awaitState("slow.service", "active/running");
        assertThat(journal("slow.service").split("pre-started\n", -1)).as("the pre-start command ran once").hasSize(2);
        assertThat(s.restarts()).isZero();
    }

    @Test
    void anAdoptedRestartDelayIsResumed() throws Exception {
        Path flag = work.resolve("flag");
        start("bouncy.service", """
                [Service]
                Restart=always
                RestartSec=400ms
                ExecStart=/bin/sh -c 'if [ -e %s ]; then exec sleep 1000; fi; touch %s; exit 1'
                """.formatted(flag, flag));
        awaitState("bouncy.service", "activating/auto-restart");

        reopen();

        await().atMost(BOUND).until(() -> status("bouncy.service").isRunning());
        assertThat(status("bouncy.service").restarts()).isEqualTo(1);
    }

    @Test
    void stoppingAnAdoptedUnitRunsExecStopAndEndsTheWholeTree() throws Exception {
        long main = start("family.service", """
                [Service]
                ExecStart=/bin/bash -c 'sleep 1000 & setsid sleep 1001 & wait'
                ExecStop=/bin/sh -c 'echo "stopping $MAINPID"'
                """).mainPid().getAsLong();
        await().atMost(BOUND).until(() -> ProcTestSupport.tree(main).size() >= 3);
        var tree = ProcTestSupport.tree(main);

        reopen();
        UnitStatus s = stop("family.service");

        assertThat(s.stateName()).isEqualTo("inactive/dead");
        assertThat(journal("family.service")).contains("stopping " + main);
        assertThat(tree).noneMatch(ProcTestSupport::alive);
    }

    @Test
    void anAdoptedStopFinishesStopping() throws Exception {
        long main = start("lingering.service", """
                [Service]
                TimeoutStopSec=1s
                ExecStart=/bin/sh -c 'trap "" TERM; echo ready; while true; do sleep 0.05; done'
                """).mainPid().getAsLong();
        awaitJournal("lingering.service", "ready");
        var tree = ProcTestSupport.tree(main);
        runtime.stop(UnitName.parse("lingering.service"));
        awaitState("lingering.service", "deactivating/stop-sigterm");

        reopen();

        UnitStatus s = awaitState("lingering.service", "failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("stop timed out"));
        assertThat(tree).noneMatch(ProcTestSupport::alive);
        assertThat(states("lingering.service")).as("after the restart").doesNotContain("active/running")
                .contains("deactivating/stop-sigkill");
    }

    @Test
    void processesOfAnotherBootAreNotMistakenForTheUnits() throws Exception {
        long main = start("old.service", "[Service]\nExecStart=/bin/sleep 1000\n").mainPid().getAsLong();
        runtime.close();
        ProcessHandle.of(main).ifPresent(ProcessHandle::destroyForcibly);
        Path stateFile = runtimeState().resolve("old.service/state.properties");
        Files.writeString(stateFile, Files.readString(stateFile).replaceAll("(?m)^bootId=.*$", "bootId=another-boot"));

        reopen();

        UnitStatus s = awaitState("old.service", "inactive/dead");
        assertThat(s.reason()).contains("the machine rebooted since the unit ran");
    }

    @Test
    void unitDirectoriesStayInsideTheStateDirectory() throws Exception {
        start("a\\x2fb@..service", "[Service]\nType=oneshot\nExecStart=/bin/true\n");
        try (Stream<Path> dirs = Files.list(runtimeState())) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())).containsExactly("a\\x2fb@..service");
        }
    }

    private Path runtimeState() {
        return runtime.config().stateDir();
    }

    private void reopen() throws Exception {
        Path state = runtimeState();
        runtime.close();
        events.clear();
        runtime = ExecRuntime.open(ExecRuntimeConfig.of(state));
        runtime.subscribe(events::add);
        runtime.adopt();
    }
}
