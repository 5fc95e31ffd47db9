package dev.flotilla.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitParseException;

/** Units: submit, replace, no-op submits, desired states, destroy, the global index. */
abstract class UnitsContract extends RegistryTestBase {

    private static final String GLOBAL = "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\n";

    @Test
    void createStoresContentsAsSubmittedWithHashAndInitialState() throws StoreException, RegistryException {
        String text = "# comment kept\n[Unit]\nDescription=db\r\n\n[Service]\nExecStart=/bin/db\n";
        Units.CreateResult r = registry.units().create(unit("db.service"), text, DesiredState.LOADED, false);

        assertThat(r.outcome()).isEqualTo(Units.Outcome.CREATED);
        UnitRecord stored = registry.units().get(unit("db.service")).orElseThrow();
        assertThat(stored.contents()).isEqualTo(text);
        assertThat(stored.hash()).isEqualTo(ContentHash.of(text));
        assertThat(stored.desiredState()).isEqualTo(DesiredState.LOADED);
        assertThat(registry.units().get(unit("other.service"))).isEmpty();
    }

    @Test
    void createWithSameContentsWritesNothing() throws StoreException, RegistryException {
        submit("web.service", DesiredState.LAUNCHED);
        long before = storeRevision();

        Units.CreateResult again = registry.units().create(unit("web.service"), PLAIN, DesiredState.INACTIVE, false);
        Units.CreateResult replaced = registry.units().create(unit("web.service"), PLAIN, DesiredState.INACTIVE, true);

        assertThat(again.outcome()).isEqualTo(Units.Outcome.UNCHANGED);
        assertThat(replaced.outcome()).isEqualTo(Units.Outcome.UNCHANGED);
        assertThat(again.unit().desiredState()).isEqualTo(DesiredState.LAUNCHED);
        assertThat(storeRevision()).isEqualTo(before);
    }

    @Test
    void createWithOtherContentsIsRefusedUnlessReplace() throws StoreException, RegistryException {
        submit("web.service", DesiredState.LAUNCHED);
        long before = storeRevision();
        String changed = PLAIN + "Restart=always\n";

        assertThatThrownBy(() -> registry.units().create(unit("web.service"), changed, DesiredState.INACTIVE, false))
                .isInstanceOf(UnitExistsException.class).hasMessageContaining("web.service");
        assertThat(storeRevision()).isEqualTo(before);

        Units.CreateResult r = registry.units().create(unit("web.service"), changed, DesiredState.INACTIVE, true);
        assertThat(r.outcome()).isEqualTo(Units.Outcome.REPLACED);
        UnitRecord stored = registry.units().get(unit("web.service")).orElseThrow();
        assertThat(stored.contents()).isEqualTo(changed);
        assertThat(stored.hash()).isEqualTo(ContentHash.of(changed));
        assertThat(stored.desiredState()).as("replace keeps the desired state").isEqualTo(DesiredState.LAUNCHED);
    }

    @Test
    void invalidOrOversizedUnitsAreRefusedAndNothingIsStored() throws StoreException, RegistryException {
        long before = storeRevision();
        assertThatThrownBy(() -> registry.units().create(unit("bad.service"), "ExecStart=/bin/true\n",
                DesiredState.INACTIVE, false)).isInstanceOf(UnitParseException.class);
        assertThatThrownBy(() -> registry.units().create(unit("bad.service"),
                "[X-Fleet]\nGlobal=true\nMachineOf=db.service\n", DesiredState.INACTIVE, false))
                .isInstanceOf(UnitParseException.class);
        String huge = "[Service]\nExecStart=/bin/true\n#" + "x".repeat(Units.MAX_CONTENTS_BYTES) + "\n";
        assertThatThrownBy(() -> registry.units().create(unit("huge.service"), huge, DesiredState.INACTIVE, false))
                .isInstanceOf(UnitTooLargeException.class).hasMessageContaining("huge.service");
        assertThat(registry.units().list()).isEmpty();
        assertThat(storeRevision()).isEqualTo(before);
    }

    @Test
    void aUnitOfTheLargestAcceptedSizeIsStored() throws StoreException, RegistryException {
        String head = "[Service]\nExecStart=/bin/true\n# \"quoted\" and\ttabbed\n#";
        String big = head + "x".repeat(Units.MAX_CONTENTS_BYTES - head.length() - 1) + "\n";

        registry.units().create(unit("big.service"), big, DesiredState.LAUNCHED, false);

        assertThat(registry.units().get(unit("big.service")).orElseThrow().contents()).isEqualTo(big);
    }

    @Test
    void listIsSortedByName() throws StoreException, RegistryException {
        for (String name : List.of("web@10.service", "db.service", "web@02.service", "a.service.service", "a.service")) {
            submit(name, DesiredState.INACTIVE);
        }
        assertThat(registry.units().list()).extracting(u -> u.name().name()).containsExactly(
                "a.service", "a.service.service", "db.service", "web@02.service", "web@10.service");
    }

    @Test
    void desiredStateTransitionsWriteOnlyChanges() throws StoreException, RegistryException {
        submit("web.service", DesiredState.INACTIVE);
        Units units = registry.units();
        for (DesiredState s : List.of(DesiredState.LOADED, DesiredState.LAUNCHED, DesiredState.LOADED,
                DesiredState.INACTIVE, DesiredState.LAUNCHED)) {
            assertThat(units.setDesiredState(unit("web.service"), s)).isTrue();
            assertThat(units.get(unit("web.service")).orElseThrow().desiredState()).isEqualTo(s);
        }
        long before = storeRevision();
        assertThat(units.setDesiredState(unit("web.service"), DesiredState.LAUNCHED)).isFalse();
        assertThat(storeRevision()).isEqualTo(before);
        assertThat(units.get(unit("web.service")).orElseThrow().contents()).isEqualTo(PLAIN);
        assertThatThrownBy(() -> units.setDesiredState(unit("nope.service"), DesiredState.LAUNCHED))
                .isInstanceOf(UnitNotFoundException.class).hasMessageContaining("nope.service");
    }

    @Test
    void concurrentReplaceAndDesiredStateChangesDoNotClobberEachOther() throws StoreException, RegistryException {
        submit("web.service", DesiredState.INACTIVE);
        int rounds = 30;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            CompletableFuture<Void> replacer = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= rounds; i++) {
                    String contents = PLAIN + "# v" + i + "\n";
                    call(() -> registry.units().create(unit("web.service"), contents, DesiredState.INACTIVE, true));
                }
            }, pool);
            CompletableFuture<Void> starter = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= rounds; i++) {
                    DesiredState s = i % 2 == 0 ? DesiredState.LAUNCHED : DesiredState.LOADED;
                    call(() -> registry.units().setDesiredState(unit("web.service"), s));
                }
            }, pool);
            CompletableFuture.allOf(replacer, starter).join();
        }
        UnitRecord end = registry.units().get(unit("web.service")).orElseThrow();
        assertThat(end.contents()).isEqualTo(PLAIN + "# v" + rounds + "\n");
        assertThat(end.desiredState()).isEqualTo(DesiredState.LAUNCHED);
    }

    @Test
    void placementFollowsDesiredStateAndContentsInTheSameRevision() throws StoreException, RegistryException {
        submit("web.service", DesiredState.LAUNCHED);
        place("web.service", M1);

        long before = storeRevision();
        registry.units().setDesiredState(unit("web.service"), DesiredState.LOADED);
        assertThat(storeRevision()).isEqualTo(before + 1);
        assertThat(registry.schedule().get(unit("web.service")).orElseThrow().desiredState())
                .isEqualTo(DesiredState.LOADED);
        assertThat(registry.machineView(M1).scheduled().get(unit("web.service")).desiredState())
                .isEqualTo(DesiredState.LOADED);

        String changed = PLAIN + "Restart=always\n";
        registry.units().create(unit("web.service"), changed, DesiredState.INACTIVE, true);
        ScheduleEntry entry = registry.schedule().get(unit("web.service")).orElseThrow();
        assertThat(entry).isEqualTo(new ScheduleEntry(unit("web.service"), M1, DesiredState.LOADED,
                ContentHash.of(changed)));
        assertThat(registry.schedule().onMachine(M1)).containsEntry(unit("web.service"), entry);

        registry.units().setDesiredState(unit("web.service"), DesiredState.INACTIVE);
        assertThat(registry.schedule().list()).isEmpty();
        assertThat(registry.schedule().onMachine(M1)).isEmpty();
        registry.units().setDesiredState(unit("web.service"), DesiredState.LAUNCHED);
        assertThat(registry.schedule().list()).as("placing is the engine's decision").isEmpty();
    }

    @Test
    void destroyRemovesUnitPlacementReasonsAndStatesInOneRevision() throws StoreException, RegistryException {
        submit("web.service", DesiredState.LAUNCHED);
        submit("other.service", DesiredState.LAUNCHED);
        place("web.service", M1);
        place("other.service", M1);
        registry.states().publish(running(unit("web.service"), M1), lease());
        registry.states().publish(running(unit("web.service"), M2), lease());
        registry.states().publish(running(unit("other.service"), M1), lease());
        long before = storeRevision();

        assertThat(registry.units().destroy(unit("web.service"))).isTrue();

        assertThat(storeRevision()).as("one transaction").isEqualTo(before + 1);
        assertThat(registry.units().get(unit("web.service"))).isEmpty();
        assertThat(registry.schedule().get(unit("web.service"))).isEmpty();
        assertThat(registry.schedule().onMachine(M1)).containsOnlyKeys(unit("other.service"));
        assertThat(registry.states().ofUnit(unit("web.service"))).isEmpty();
        assertThat(registry.states().list()).extracting(UnitStateRecord::unit).containsExactly(unit("other.service"));
        assertThat(registry.units().destroy(unit("web.service"))).isFalse();
        assertThat(storeRevision()).isEqualTo(before + 1);
    }

    @Test
    void destroyRemovesUnschedulableReasons() throws StoreException, RegistryException {
        UnitRecord u = submit("web.service", DesiredState.LAUNCHED);
        RegistrySnapshot s = registry.snapshot();
        registry.schedule().apply(List.of(new ScheduleChange.MarkUnschedulable(new UnschedulableRecord(u.name(),
                List.of(UnschedulableRecord.Reason.everywhere("no machines"))), s.basis(u.name()))));
        assertThat(registry.schedule().unschedulable(u.name())).isPresent();

        registry.units().destroy(u.name());

        assertThat(registry.schedule().unschedulable()).isEmpty();
    }

    @Test
    void globalUnitsAreIndexedForAgentsAndTemplatesAreNot() throws StoreException, RegistryException {
        registry.units().create(unit("mon.service"), GLOBAL, DesiredState.LAUNCHED, false);
        registry.units().create(unit("mon@.service"), GLOBAL, DesiredState.INACTIVE, false);
        submit("web.service", DesiredState.LAUNCHED);

        MachineView view = registry.machineView(M1);
        assertThat(view.globals()).containsOnlyKeys(unit("mon.service"));
        assertThat(view.globals().get(unit("mon.service"))).isEqualTo(
                new GlobalUnitEntry(unit("mon.service"), ContentHash.of(GLOBAL), DesiredState.LAUNCHED));

        registry.units().setDesiredState(unit("mon.service"), DesiredState.LOADED);
        assertThat(registry.machineView(M1).globals().get(unit("mon.service")).desiredState())
                .isEqualTo(DesiredState.LOADED);

        registry.units().create(unit("mon.service"), PLAIN, DesiredState.INACTIVE, true);
        assertThat(registry.machineView(M1).globals()).isEmpty();
        registry.units().create(unit("mon.service"), GLOBAL, DesiredState.INACTIVE, true);
        registry.units().destroy(unit("mon.service"));
        assertThat(registry.machineView(M1).globals()).isEmpty();
    }

    /** Runs a registry call inside a lambda that may not throw checked exceptions. */
    static void call(Call call) {
        try {
            call.run();
        } catch (StoreException | RegistryException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    interface Call {
        void run() throws StoreException, RegistryException;
    }
}
