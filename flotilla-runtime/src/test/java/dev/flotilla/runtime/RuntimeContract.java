package dev.flotilla.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * The behaviour every {@link Runtime} must show (exec and Docker): start, stop of the whole
 * process tree, restart, adoption by a new runtime over the same state directory, journals, limit
 * reports. A subclass supplies the runtime and unit texts that behave as each hook describes; the
 * suite drives real processes and waits on conditions, never fixed sleeps.
 */
public abstract class RuntimeContract {

    /** Upper bound for anything to happen, with room for a loaded machine. */
    protected static final Duration BOUND = Duration.ofSeconds(20);

    /** The current test's state directory. */
    protected Path stateDir;
    /** The runtime under test (the latest one opened over {@link #stateDir}). */
    protected Runtime runtime;
    /** Every state change the runtime under test published, in order. */
    protected final List<UnitStatus> events = new CopyOnWriteArrayList<>();
    private final List<Runtime> opened = new ArrayList<>();

    /** Opens a runtime over {@code stateDir}. */
    protected abstract Runtime open(Path stateDir) throws UnitOperationException;

    /** The unit type the runtime runs, e.g. {@code service}. */
    protected abstract String unitType();

    /**
     * A unit that writes {@code marker} to its journal, then waits (in a process with children of
     * its own) until file {@code trigger} exists, writes {@code bye} and exits with {@code exitCode}.
     */
    protected abstract String waitingUnit(String marker, Path trigger, int exitCode);

    /** A unit whose main process starts two long-running children (one in a session of its own) and waits. */
    protected abstract String unitWithChildren();

    /** A long-running unit with a memory limit (systemd size syntax, e.g. {@code 64M}) and a CPU weight. */
    protected abstract String unitWithLimits(String memory, int cpuWeight);

    /** Further checks of a started unit's limit reports on this host (e.g. the cgroup files); none by default. */
    protected void checkLimitsOnThisHost(UnitStatus status) throws IOException {}

    /** The machine the units run on. */
    protected MachineFacts machine() {
        return MachineFacts.of("0123456789abcdef0123456789abcdef", "contract-host", "fedcba9876543210fedcba9876543210")
                .withPublicIp("127.0.0.1").withPrivateIp("127.0.0.1");
    }

    @BeforeEach
    void openRuntime(TestInfo info) throws Exception {
        stateDir = TestWork.dir(getClass().getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName());
        reopen();
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            for (UnitStatus s : runtime.statuses()) {
                runtime.stop(s.unit()).toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            opened.forEach(Runtime::close);
        }
    }

    /** Closes the current runtime (units keep running) and opens and adopts a new one over the same directory. */
    protected List<UnitStatus> reopen() throws UnitOperationException {
        if (runtime != null) {
            runtime.close();
        }
        events.clear();
        runtime = open(stateDir);
        opened.add(runtime);
        runtime.subscribe(events::add);
        return runtime.adopt();
    }

    protected UnitDefinition unit(String prefix, String text) {
        return UnitDefinition.parse(UnitName.parse(prefix + "." + unitType()), text);
    }

    protected UnitStatus started(UnitDefinition def)
            throws UnitOperationException, InterruptedException, ExecutionException, TimeoutException {
        return done(runtime.start(new StartRequest(def, machine(), Map.of())));
    }

    protected static UnitStatus done(CompletionStage<UnitStatus> stage)
            throws InterruptedException, ExecutionException, TimeoutException {
        return stage.toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    protected String journalText(UnitName unit) throws UnitOperationException {
        StringBuilder b = new StringBuilder();
        runtime.journal(unit, 10_000).forEach(e -> b.append(e.message()).append('\n'));
        return b.toString();
    }

    protected UnitStatus statusOf(UnitName unit) {
        return runtime.status(unit).orElseThrow();
    }

    // ---- the contract --------------------------------------------------------------------------

    @Test
    void startReachesActiveRunningWithItsMainProcess() throws Exception {
        Path trigger = stateDir.resolve("trigger");
        UnitDefinition def = unit("hello", waitingUnit("hello-marker", trigger, 0));
        UnitStatus s = started(def);

        assertThat(s.stateName()).isEqualTo("active/running");
        assertThat(s.load()).isEqualTo(LoadState.LOADED);
        assertThat(s.hash()).contains(def.hash());
        assertThat(s.mainPid()).isPresent();
        assertThat(ProcTestSupport.alive(s.mainPid().getAsLong())).isTrue();
        await().atMost(BOUND).until(() -> journalText(def.name()).contains("hello-marker"));
        assertThat(events).filteredOn(e -> e.unit().equals(def.name())).extracting(UnitStatus::active)
                .startsWith(ActiveState.ACTIVATING).endsWith(ActiveState.ACTIVE);
        assertThat(runtime.statuses()).extracting(UnitStatus::unit).containsExactly(def.name());
    }

    @Test
    void startOfARunningUnitIsANoOp() throws Exception {
        UnitDefinition def = unit("twice", waitingUnit("twice", stateDir.resolve("never"), 0));
        UnitStatus first = started(def);
        UnitStatus second = started(def);
        assertThat(second.mainPid()).isEqualTo(first.mainPid());
        assertThat(second.restarts()).isZero();
    }

    @Test
    void stopEndsEveryProcessOfTheUnit() throws Exception {
        UnitDefinition def = unit("tree", unitWithChildren());
        long main = started(def).mainPid().getAsLong();
        await().atMost(BOUND).until(() -> ProcTestSupport.tree(main).size() >= 3);
        var tree = ProcTestSupport.tree(main);

        UnitStatus stopped = done(runtime.stop(def.name()));

        assertThat(stopped.stateName()).isEqualTo("inactive/dead");
        assertThat(stopped.mainPid()).isEmpty();
        assertThat(tree).as("processes of the stopped unit").noneMatch(ProcTestSupport::alive);
    }

    @Test
    void restartRunsTheNewDefinitionInANewProcess() throws Exception {
        UnitDefinition v1 = unit("again", waitingUnit("version-one", stateDir.resolve("never"), 0));
        UnitDefinition v2 = unit("again", waitingUnit("version-two", stateDir.resolve("never"), 0));
        long pid1 = started(v1).mainPid().getAsLong();

        UnitStatus s = done(runtime.restart(new StartRequest(v2, machine(), Map.of())));

        assertThat(s.stateName()).isEqualTo("active/running");
        assertThat(s.hash()).contains(v2.hash());
        assertThat(s.mainPid().getAsLong()).isNotEqualTo(pid1);
        assertThat(ProcTestSupport.alive(pid1)).isFalse();
        await().atMost(BOUND).until(() -> journalText(v2.name()).contains("version-two"));
    }

    @Test
    void aNewRuntimeAdoptsRunningUnitsUntouchedAndNoticesTheirExit() throws Exception {
        Path trigger = stateDir.resolve("trigger");
        UnitDefinition def = unit("adopted", waitingUnit("before-restart", trigger, 3));
        long pid = started(def).mainPid().getAsLong();
        await().atMost(BOUND).until(() -> journalText(def.name()).contains("before-restart"));

        List<UnitStatus> adopted = reopen();

        assertThat(adopted).singleElement().satisfies(s -> {
            assertThat(s.stateName()).isEqualTo("active/running");
            assertThat(s.mainPid()).hasValue(pid);
            assertThat(s.restarts()).isZero();
        });
        assertThat(ProcTestSupport.alive(pid)).isTrue();

        Files.createFile(trigger);

        await().atMost(BOUND).until(() -> statusOf(def.name()).isSettled());
        UnitStatus end = statusOf(def.name());
        assertThat(end.stateName()).isEqualTo("failed/failed");
        assertThat(end.lastExit()).contains(new ProcessExit.Exited(3));
        assertThat(end.reason()).hasValueSatisfying(r -> assertThat(r).contains("status 3"));
        await().atMost(BOUND).until(() -> journalText(def.name()).contains("bye"));
        assertThat(runtime.journal(def.name(), 1000)).as("lines read before the restart are not read again")
                .filteredOn(e -> e.message().equals("before-restart")).hasSize(1);
    }

    @Test
    void journalLinesCarryTimestampsAndCanBeFollowed() throws Exception {
        Path trigger = stateDir.resolve("trigger");
        UnitDefinition def = unit("chatty", waitingUnit("first-line", trigger, 0));
        Instant before = Instant.now();
        started(def);
        List<JournalEntry> followed = new CopyOnWriteArrayList<>();
        try (Subscription sub = runtime.followJournal(def.name(), 100, followed::add)) {
            await().atMost(BOUND).until(() -> followed.stream().anyMatch(e -> e.message().equals("first-line")));
            Files.createFile(trigger);
            await().atMost(BOUND).until(() -> followed.stream().anyMatch(e -> e.message().equals("bye")));
        }
        JournalEntry first = followed.stream().filter(e -> e.message().equals("first-line")).findFirst().orElseThrow();
        assertThat(first.time()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(first.format()).contains("first-line").startsWith(first.time().toString());
        assertThat(runtime.journal(def.name(), 1)).hasSize(1);
    }

    @Test
    void resourceLimitsAreReportedAppliedOrWithAReason() throws Exception {
        UnitDefinition def = unit("limited", unitWithLimits("64M", 200));
        UnitStatus s = started(def);

        assertThat(s.limits()).hasSize(2).allSatisfy(l -> {
            assertThat(l.value()).isNotBlank();
            assertThat(l.detail()).isNotBlank();
        });
        checkLimitsOnThisHost(s);
    }

    @Test
    void forgetDropsASettledUnitButRefusesAnActiveOne() throws Exception {
        UnitDefinition def = unit("forgotten", waitingUnit("forget-me", stateDir.resolve("never"), 0));
        started(def);
        assertThatThrownBy(() -> runtime.forget(def.name())).isInstanceOf(UnitOperationException.class)
                .hasMessageContaining(def.name().name());

        done(runtime.stop(def.name()));
        runtime.forget(def.name());

        assertThat(runtime.status(def.name())).isEmpty();
        assertThat(runtime.statuses()).isEmpty();
        assertThat(reopen()).isEmpty();
    }

    @Test
    void unknownUnitsHaveNoStatusAndStoppingThemIsANoOp() throws Exception {
        UnitName unknown = UnitName.parse("nothing." + unitType());
        assertThat(runtime.status(unknown)).isEmpty();
        assertThat(done(runtime.stop(unknown)).stateName()).isEqualTo("inactive/dead");
        assertThat(runtime.journal(unknown, 10)).isEmpty();
    }
}
