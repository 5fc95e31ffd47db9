package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.M_2AA;
import static dev.flotilla.engine.scheduler.Fixtures.M_684;
import static dev.flotilla.engine.scheduler.Fixtures.M_C3F;
import static dev.flotilla.engine.scheduler.Fixtures.M_EE5;
import static dev.flotilla.engine.scheduler.Fixtures.machine;
import static dev.flotilla.engine.scheduler.Fixtures.name;
import static dev.flotilla.engine.scheduler.Fixtures.on;
import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static dev.flotilla.engine.scheduler.Fixtures.snapshot;
import static dev.flotilla.engine.scheduler.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MachineID pins a unit; MachineMetadata filters machines (same key OR, different keys AND). */
class PinningAndMetadataTest {

    static final List<Machine> THREE = List.of(machine(M_2AA), machine(M_684), machine(M_C3F));

    @Test
    void machineIdPinsByFullAndByShortId() {
        Plan plan = plan(snapshot(THREE, unit("full.service", "MachineID=" + M_C3F),
                unit("short.service", "MachineID=6847f4f7"), unit("legacy.service", "X-ConditionMachineID=c3f52cb3")));

        assertThat(on(plan, "full.service")).isEqualTo(M_C3F);
        assertThat(on(plan, "short.service")).isEqualTo(M_684);
        assertThat(on(plan, "legacy.service")).isEqualTo(M_C3F);
    }

    @Test
    void aPinToAMissingMachineIsUnschedulableWithTheReasonOnEveryMachine() {
        Plan plan = plan(snapshot(THREE, unit("pinned.service", "MachineID=ee5398cf")));

        Unschedulable u = plan.unschedulable(name("pinned.service")).orElseThrow();
        assertThat(u.vetoes()).containsOnlyKeys(M_2AA, M_684, M_C3F);
        assertThat(u.vetoes().values()).allSatisfy(v -> assertThat(v)
                .containsExactly(new Veto(Veto.Kind.MACHINE_ID, "not machine ee5398cf (MachineID)")));
        assertThat(u.summary()).isEqualTo(
                "no machine fits pinned.service: 2aa4e35a, 6847f4f7, c3f52cb3: not machine ee5398cf (MachineID)");
    }

    @Test
    void aPinnedUnitFollowsItsMachineBackWhenItReturns() {
        UnitSpec pinned = unit("pinned.service", "MachineID=" + M_EE5);
        assertThat(plan(snapshot(THREE, pinned.onMachine(M_EE5))).decisions()).containsExactly(
                new Decision.Unassign(name("pinned.service"), M_EE5, "machine ee5398cf is gone"));
        List<Machine> four = List.of(machine(M_2AA), machine(M_684), machine(M_C3F), machine(M_EE5));
        assertThat(plan(snapshot(four, pinned)).decisions())
                .containsExactly(new Decision.Assign(name("pinned.service"), M_EE5));
    }

    @Test
    void legacyBootIdPinsToTheMachineWithThatBoot() {
        String boot = "b007b007b007b007b007b007b007b007";
        List<Machine> machines = List.of(machine(M_2AA), new Machine(M_684, Map.of(), boot, Map.of()));
        Plan plan = plan(snapshot(machines, unit("boot.service", "X-ConditionMachineBootID=" + boot)));

        assertThat(on(plan, "boot.service")).isEqualTo(M_684);
    }

    @Test
    void metadataSameKeyIsOrDifferentKeysAreAnd() {
        List<Machine> machines = List.of(machine(M_2AA, "region=us-east", "disk=hdd"),
                machine(M_684, "region=us-west", "disk=ssd"), machine(M_C3F, "region=eu-west", "disk=ssd"));
        Plan plan = plan(snapshot(machines,
                unit("us.service", "MachineMetadata=region=us-east", "MachineMetadata=region=us-west",
                        "MachineMetadata=disk=ssd"),
                unit("lbhelper.service", "MachineMetadata=\"role=edge\" \"role=lb\"", "MachineMetadata=region=iad")));

        assertThat(on(plan, "us.service")).isEqualTo(M_684);
        Unschedulable lb = plan.unschedulable(name("lbhelper.service")).orElseThrow();
        assertThat(lb.vetoes(M_2AA)).extracting(Veto::reason).containsExactly(
                "metadata role=edge or role=lb does not match", "metadata region=iad does not match");
    }

    @Test
    void metadataWithASpecifierIsExpandedPerInstance() {
        String template = "[Unit]\nDescription=Cache %i\n\n[Service]\nExecStart=/bin/true\n\n"
                + "[X-Fleet]\nMachineMetadata=zone=us-east-1%i\nMachineMetadata=disk=ssd\n";
        List<Machine> machines = List.of(machine(M_2AA, "zone=us-east-1a", "disk=ssd"),
                machine(M_684, "zone=us-east-1b", "disk=ssd"), machine(M_C3F, "zone=us-east-1c", "disk=hdd"));
        List<UnitSpec> units = List.of("a", "b", "c").stream().map(zone -> {
            UnitName n = UnitName.parse("cache@" + zone + ".service");
            return UnitSpec.of(n, FleetOptions.parse(UnitFile.parse("cache@.service", template), n),
                    DesiredState.LAUNCHED);
        }).toList();

        Plan plan = plan(snapshot(machines, units));

        assertThat(on(plan, "cache@a.service")).isEqualTo(M_2AA);
        assertThat(on(plan, "cache@b.service")).isEqualTo(M_684);
        Unschedulable c = plan.unschedulable(name("cache@c.service")).orElseThrow();
        assertThat(c.vetoes(M_C3F)).extracting(Veto::reason).containsExactly("metadata disk=ssd does not match");
        assertThat(c.vetoes(M_2AA)).extracting(Veto::reason).containsExactly("metadata zone=us-east-1c does not match");
    }

    @Test
    void aUnitWhoseMachineNoLongerMatchesMovesWithTheReason() {
        List<Machine> machines = List.of(machine(M_2AA, "region=us"), machine(M_684, "region=eu"));
        Plan plan = plan(snapshot(machines, unit("eu.service", "MachineMetadata=region=eu").onMachine(M_2AA)));

        assertThat(plan.decisions()).containsExactly(
                new Decision.Move(name("eu.service"), M_2AA, M_684, "metadata region=eu does not match"));
    }
}
