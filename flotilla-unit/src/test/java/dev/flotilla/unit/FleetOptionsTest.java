package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FleetOptionsTest {

    static final String ID = "2aa4e35a0b1c4d5e8f9a0b1c2d3e4f50";

    static FleetOptions fleet(String unit, String xfleetBody) {
        UnitFile f = UnitFile.parse(unit, "[Unit]\nDescription=x\n\n[X-Fleet]\n" + xfleetBody);
        return FleetOptions.parse(f, UnitName.parse(unit));
    }

    @Test
    void noSectionMeansNoConstraints() {
        assertThat(FleetOptions.parse(UnitFile.parse("a", "[Unit]\nA=1\n"), UnitName.parse("a"))).isEqualTo(FleetOptions.NONE);
        assertThat(FleetOptions.NONE.allowsMachine("anything")).isTrue();
        assertThat(FleetOptions.NONE.allowsMetadata(Map.of())).isTrue();
    }

    @Test
    void machineIdFullOrShort() {
        FleetOptions full = fleet("a.service", "MachineID=" + ID + "\n");
        assertThat(full.machineId()).contains(ID);
        assertThat(full.hasRequiredMachine()).isTrue();
        assertThat(full.allowsMachine(ID)).isTrue();
        assertThat(full.allowsMachine("2aa4e35a" + "f".repeat(24))).isFalse();
        FleetOptions shortId = fleet("a.service", "X-ConditionMachineID=2aa4e35a\n");
        assertThat(shortId.machineId()).contains("2aa4e35a");
        assertThat(shortId.allowsMachine(ID)).isTrue();
        assertThat(shortId.allowsMachine("c3f52cb3" + "0".repeat(24))).isFalse();
    }

    @Test
    void legacyBootIdIsKeptSeparately() {
        FleetOptions f = fleet("a.service", "X-ConditionMachineBootID=" + "ab".repeat(16) + "\n");
        assertThat(f.machineBootId()).contains("ab".repeat(16));
        assertThat(f.machineId()).isEmpty();
        assertThat(f.hasRequiredMachine()).isTrue();
    }

    @Test
    void machineOfTakesSeveralPeersExpandsSpecifiersAndAppendsService() {
        FleetOptions f = fleet("monweb@07.service", "MachineOf=web@%i.service\nX-ConditionMachineOf=db cache.socket\n");
        assertThat(f.machineOf()).containsExactly(UnitName.parse("web@07.service"), UnitName.parse("db.service"),
                UnitName.parse("cache.socket"));
    }

    @Test
    void metadataSameKeyIsOrDifferentKeysAreAnd() {
        FleetOptions f = fleet("a.service", "MachineMetadata=region=us-east\nMachineMetadata=region=us-west\n"
                + "X-ConditionMachineMetadata=\"disk=ssd\" \"role=db\" 'role=cache'\n");
        assertThat(f.machineMetadata()).isEqualTo(Map.of("region", Set.of("us-east", "us-west"),
                "disk", Set.of("ssd"), "role", Set.of("db", "cache")));
        assertThat(List.copyOf(f.machineMetadata().keySet())).containsExactly("region", "disk", "role");
        assertThat(f.allowsMetadata(Map.of("region", "us-west", "disk", "ssd", "role", "cache"))).isTrue();
        assertThat(f.allowsMetadata(Map.of("region", "eu", "disk", "ssd", "role", "db"))).isFalse();
        assertThat(f.allowsMetadata(Map.of("region", "us-east", "role", "db"))).isFalse();
    }

    @Test
    void metadataValueMayContainEqualsAndQuotedSpaces() {
        FleetOptions f = fleet("a.service", "MachineMetadata=\"label=a b\" x=y=z\n");
        assertThat(f.machineMetadata()).isEqualTo(Map.of("label", Set.of("a b"), "x", Set.of("y=z")));
    }

    @Test
    void conflictsAreGlobsSplitOnWhitespaceAcrossLinesAndLegacyName() {
        FleetOptions f = fleet("web@1.service", "Conflicts=web@*.service  db?.service\nX-Conflicts=cache[0-9].service\n");
        assertThat(f.conflicts()).extracting(UnitGlob::pattern)
                .containsExactly("web@*.service", "db?.service", "cache[0-9].service");
        UnitName self = UnitName.parse("web@1");
        assertThat(f.conflictsWith(self, UnitName.parse("cache7"))).isTrue();
        assertThat(f.conflictsWith(self, UnitName.parse("db1"))).isTrue();
        assertThat(f.conflictsWith(self, UnitName.parse("db12"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "yes", "1", "on", "t", "TRUE", "Yes"})
    void globalTrueSpellings(String v) {
        assertThat(fleet("a.service", "Global=" + v + "\n").global()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "no", "0", "off", "f", "False"})
    void globalFalseSpellings(String v) {
        assertThat(fleet("a.service", "Global=" + v + "\n").global()).isFalse();
    }

    @Test
    void replacesIsAGlobList() {
        FleetOptions f = fleet("new.service", "Replaces=old.service legacy-*.service\n");
        assertThat(f.replaces()).extracting(UnitGlob::pattern).containsExactly("old.service", "legacy-*.service");
        UnitName self = UnitName.parse("new");
        assertThat(f.replacesUnit(self, UnitName.parse("legacy-x"))).isTrue();
        assertThat(f.replacesUnit(self, self)).isFalse();
    }

    @Test
    void emptyAssignmentResetsAnOption() {
        FleetOptions f = fleet("a.service", "Conflicts=x.service\nConflicts=\nMachineID=" + ID
                + "\nMachineID=\nGlobal=true\nGlobal=\nMachineOf=b\nX-ConditionMachineOf=\nMachineOf=c\n");
        assertThat(f.conflicts()).isEmpty();
        assertThat(f.machineId()).isEmpty();
        assertThat(f.global()).isFalse();
        assertThat(f.machineOf()).containsExactly(UnitName.parse("c"));
    }

    @Test
    void resetMakesAnEarlierCombinationValid() {
        FleetOptions f = fleet("a.service", "MachineID=" + ID + "\nMachineID=\nGlobal=yes\n");
        assertThat(f).isEqualTo(new FleetOptions(Optional.empty(), Optional.empty(), List.of(), Map.of(), List.of(),
                true, List.of()));
    }

    @Test
    void lastMachineIdWins() {
        assertThat(fleet("a.service", "MachineID=aaaaaaaa\nMachineID=bbbbbbbb\n").machineId()).contains("bbbbbbbb");
    }

    @Test
    void globsMatchingTheUnitItselfAreFine() {
        assertThat(fleet("web@01.service", "Conflicts=web@*.service\n").conflicts()).hasSize(1);
        assertThat(fleet("web@.service", "Conflicts=web@*.service\n").conflicts()).hasSize(1);
        assertThat(fleet("web@01.service", "Replaces=web@*.service\n").replaces()).hasSize(1);
    }

    @Test
    void optionsAreImmutable() {
        FleetOptions f = fleet("a.service", "MachineMetadata=a=b\nConflicts=x\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.conflicts().add(new UnitGlob("y")))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.machineMetadata().get("a").add("c"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
