package dev.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/** The pure reconciler: snapshots in, tasks out. No store, no processes. */
class PlannerTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final MachineFacts FACTS = MachineFacts.of("0123456789abcdef0123456789abcdef", "host",
            "b00710b00710b00710b00710b00710b0").withPublicIp("10.0.0.1");
    private static final String SLEEP = "[Service]\nExecStart=/bin/sleep 1000\n";

    private final TreeMap<UnitName, DesiredUnit> desired = new TreeMap<>();
    private final TreeMap<UnitName, UnitStatus> runtime = new TreeMap<>();
    private final TreeMap<UnitName, ContentHash> loaded = new TreeMap<>();

    private static UnitName name(String n) {
        return UnitName.parse(n);
    }

    private DesiredUnit want(String unit, DesiredUnit.Target target, String contents) {
        UnitDefinition def = UnitDefinition.parse(name(unit), contents);
        DesiredUnit d = new DesiredUnit(def, def.hash(), target, false, Dependencies.of(def, FACTS));
        desired.put(d.name(), d);
        return d;
    }

    private DesiredUnit launched(String unit) {
        return want(unit, DesiredUnit.Target.LAUNCHED, SLEEP);
    }

    private void loaded(DesiredUnit unit) {
        loaded.put(unit.name(), unit.hash());
    }

    private void runs(DesiredUnit unit, ActiveState active, SubState sub) {
        loaded(unit);
        runtime.put(unit.name(), status(unit.name(), unit.hash(), active, sub));
    }

    private static UnitStatus status(UnitName unit, ContentHash hash, ActiveState active, SubState sub) {
        return UnitStatus.inactive(unit, T0).withState(active, sub, T0, Optional.empty())
                .withDefinition(LoadState.LOADED, Optional.of(hash), List.of());
    }

    private Plan plan() {
        return Planner.plan(Snapshot.of(desired, runtime, loaded));
    }

    private static List<String> kinds(Plan plan) {
        return plan.tasks().stream().map(t -> t.getClass().getSimpleName() + " " + t.unit()).toList();
    }

    @Test
    void newLaunchedUnitIsLoadedThenStarted() {
        launched("web.service");
        assertThat(kinds(plan())).containsExactly("Load web.service", "Start web.service");
    }

    @Test
    void newLoadedUnitIsOnlyLoaded() {
        want("web.service", DesiredUnit.Target.LOADED, SLEEP);
        assertThat(kinds(plan())).containsExactly("Load web.service");
    }

    @Test
    void runningUnitWhoseTargetIsLoadedIsStopped() {
        runs(want("web.service", DesiredUnit.Target.LOADED, SLEEP), ActiveState.ACTIVE, SubState.RUNNING);
        assertThat(kinds(plan())).containsExactly("Stop web.service");
    }

    @Test
    void convergedMachinePlansNothing() {
        runs(launched("web.service"), ActiveState.ACTIVE, SubState.RUNNING);
        loaded(want("db.service", DesiredUnit.Target.LOADED, SLEEP));
        Plan plan = plan();
        assertThat(plan.tasks()).isEmpty();
        assertThat(plan.waiting()).isEmpty();
    }

    @Test
    void unitsNoLongerWantedAreStoppedThenUnloaded() {
        UnitName running = name("gone-running.service");
        UnitName ended = name("gone-failed.service");
        UnitName merelyLoaded = name("gone-loaded.service");
        UnitName stopping = name("gone-stopping.service");
        ContentHash h = ContentHash.of(SLEEP);
        runtime.put(running, status(running, h, ActiveState.ACTIVE, SubState.RUNNING));
        runtime.put(ended, status(ended, h, ActiveState.FAILED, SubState.FAILED));
        runtime.put(stopping, status(stopping, h, ActiveState.DEACTIVATING, SubState.STOP_SIGTERM));
        loaded.put(merelyLoaded, h);
        assertThat(kinds(plan())).containsExactly("Unload gone-failed.service", "Unload gone-loaded.service",
                "Stop gone-running.service");
    }

    @Test
    void newContentsRestartARunningUnit() {
        DesiredUnit old = launched("web.service");
        runs(old, ActiveState.ACTIVE, SubState.RUNNING);
        want("web.service", DesiredUnit.Target.LAUNCHED, "[Service]\nExecStart=/bin/sleep 2000\n");
        assertThat(kinds(plan())).containsExactly("Load web.service", "Restart web.service");
    }

    @Test
    void newContentsStartAUnitThatEnded() {
        runs(launched("web.service"), ActiveState.FAILED, SubState.FAILED);
        DesiredUnit replaced = want("web.service", DesiredUnit.Target.LAUNCHED, "[Service]\nExecStart=/bin/true\n");
        Plan plan = plan();
        assertThat(kinds(plan)).containsExactly("Load web.service", "Start web.service");
        assertThat(((Task.Start) plan.tasks().get(1)).definition().hash()).isEqualTo(replaced.hash());
    }

    @Test
    void unitThatEndedByItselfIsLeftToItsRestartPolicy() {
        runs(launched("once.service"), ActiveState.INACTIVE, SubState.DEAD);
        runs(launched("crashed.service"), ActiveState.FAILED, SubState.FAILED);
        assertThat(plan().tasks()).isEmpty();
    }

    @Test
    void afterHoldsTheStartUntilTheOtherHasStarted() {
        launched("db.service");
        want("app.service", DesiredUnit.Target.LAUNCHED, "[Unit]\nAfter=db.service\n" + SLEEP);
        Plan first = plan();
        assertThat(kinds(first)).containsExactly("Load app.service", "Load db.service", "Start db.service");
        assertThat(first.waiting()).containsEntry(name("app.service"),
                "waiting for db.service to start (After=db.service)");

        runs(desired.get(name("db.service")), ActiveState.ACTIVATING, SubState.START_PRE);
        loaded(desired.get(name("app.service")));
        assertThat(plan().waiting().get(name("app.service"))).contains("activating/start-pre");

        runs(desired.get(name("db.service")), ActiveState.ACTIVE, SubState.RUNNING);
        assertThat(kinds(plan())).containsExactly("Start app.service");
    }

    @Test
    void afterAUnitThatFailedStillStarts() {
        runs(launched("db.service"), ActiveState.FAILED, SubState.FAILED);
        loaded(want("app.service", DesiredUnit.Target.LAUNCHED, "[Unit]\nAfter=db.service\n" + SLEEP));
        assertThat(kinds(plan())).containsExactly("Start app.service");
    }

    @Test
    void requiresWithoutAfterStartsBothTogether() {
        launched("db.service");
        want("app.service", DesiredUnit.Target.LAUNCHED, "[Unit]\nRequires=db.service\n" + SLEEP);
        assertThat(kinds(plan())).containsExactly("Load app.service", "Load db.service", "Start app.service",
                "Start db.service");
    }

    @Test
    void requiresWaitsForAUnitThatIsOnlyLoadedOrFailed() {
        loaded(want("db.service", DesiredUnit.Target.LOADED, SLEEP));
        loaded(want("app.service", DesiredUnit.Target.LAUNCHED, "[Unit]\nRequires=db.service\n" + SLEEP));
        Plan plan = plan();
        assertThat(plan.tasks()).isEmpty();
        assertThat(plan.waiting().get(name("app.service")))
                .isEqualTo("waiting: Requires=db.service, but db.service is loaded but not started");

        runs(launched("db.service"), ActiveState.FAILED, SubState.FAILED);
        assertThat(plan().waiting().get(name("app.service"))).contains("db.service is failed/failed");
    }

    @Test
    void requiresOnAClusterUnitElsewhereWaitsButOnAHostUnitDoesNot() {
        loaded(want("db.service", DesiredUnit.Target.LAUNCHED, "[Unit]\nRequires=etcd.service\n" + SLEEP));
        loaded(want("app.service", DesiredUnit.Target.LAUNCHED, "[Unit]\nRequires=cache.service\n" + SLEEP));
        Plan plan = Planner.plan(Snapshot.of(desired, runtime, loaded).withClusterUnits(Set.of(name("cache.service"))));
        assertThat(kinds(plan)).containsExactly("Start db.service");
        assertThat(plan.waiting().get(name("app.service"))).contains("cache.service is not scheduled on this machine");
    }

    @Test
    void bindsToStopsAUnitWhenItsPeerStopsButNotWhileThePeerStarts() {
        DesiredUnit web = launched("web@1.service");
        DesiredUnit sidekick = want("web-discovery@1.service", DesiredUnit.Target.LAUNCHED,
                "[Unit]\nBindsTo=web@%i.service\nAfter=web@%i.service\n" + SLEEP);
        assertThat(sidekick.dependencies().bindsTo()).containsExactly(name("web@1.service"));
        runs(sidekick, ActiveState.ACTIVE, SubState.RUNNING);

        runs(web, ActiveState.ACTIVATING, SubState.START_PRE);
        assertThat(plan().tasks()).isEmpty();

        runs(web, ActiveState.FAILED, SubState.FAILED);
        assertThat(kinds(plan())).containsExactly("Stop web-discovery@1.service");

        runs(web, ActiveState.ACTIVATING, SubState.AUTO_RESTART);
        assertThat(kinds(plan())).containsExactly("Stop web-discovery@1.service");
    }

    @Test
    void unresolvedUnitsAreLeftAlone() {
        UnitName unit = name("fetching.service");
        runtime.put(unit, status(unit, ContentHash.of(SLEEP), ActiveState.ACTIVE, SubState.RUNNING));
        loaded.put(unit, ContentHash.of(SLEEP));
        assertThat(Planner.plan(Snapshot.of(desired, runtime, loaded).withUnresolved(Set.of(unit))).tasks()).isEmpty();
    }

    @Test
    void dependenciesExpandSpecifiersAndCompleteNames() {
        UnitDefinition def = UnitDefinition.parse(name("side@7.service"),
                "[Unit]\nRequires=etcd web@%i\nWants=x.service\nAfter=\nAfter=db.service side@7.service\n" + SLEEP);
        Dependencies deps = Dependencies.of(def, FACTS);
        assertThat(deps.requires()).containsExactly(name("etcd.service"), name("web@7.service"));
        assertThat(deps.after()).containsExactly(name("db.service"));
        assertThat(deps.wants()).containsExactly(name("x.service"));
        assertThat(Dependencies.of(UnitDefinition.parse(name("a.service"), SLEEP), FACTS).isEmpty()).isTrue();
    }
}
