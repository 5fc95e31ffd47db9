package dev.flotilla.unit;

import static dev.flotilla.unit.Rejections.rejectedAt;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal of [X-Fleet], with the line it names. The section starts at line 4; options at line 5. */
class FleetOptionsRejectTest {

    private static final String ID = FleetOptionsTest.ID;

    private static UnitParseException reject(String unit, String body, int line, int column, String reason) {
        UnitFile f = UnitFile.parse(unit, "[Unit]\nDescription=x\n\n[X-Fleet]\n" + body);
        return rejectedAt(() -> FleetOptions.parse(f, UnitName.parse(unit)), line, column, reason);
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource(delimiter = '|', value = {
            "MachineID=" + ID + " | Global=true | MachineID cannot be used with Global",
            "Global=true | MachineOf=db.service | MachineOf cannot be used with Global",
            "MachineID=" + ID + " | Conflicts=x*.service | MachineID cannot be used with Conflicts",
            "MachineID=2aa4e35a | MachineOf=db.service | MachineID cannot be used with MachineOf",
            "Global=yes | Replaces=old.service | Replaces cannot be used with Global",
            "Conflicts=a*.service | Replaces=b.service | Replaces cannot be used with Conflicts",
            "MachineID=" + ID + " | Replaces=old.service | MachineID cannot be used with Replaces",
            "X-ConditionMachineID=" + ID + " | X-ConditionMachineOf=db | MachineID cannot be used with MachineOf",
            "X-ConditionMachineBootID=" + ID + " | Global=1 | MachineID cannot be used with Global",
            "X-ConditionMachineID=" + ID + " | X-Conflicts=x | MachineID cannot be used with Conflicts"})
    void refusedCombinationsNameBothOptionsAndPointAtTheLaterLine(String first, String second, String reason) {
        UnitParseException e = reject("a.service", first + "\n# between\n" + second + "\n", 7, 1, reason);
        String firstKey = first.substring(0, first.indexOf('='));
        String secondKey = second.substring(0, second.indexOf('='));
        assertThat(e.reason()).contains(firstKey + " at line 5").contains(secondKey + " at line 7");
    }

    @Test
    void combinationReportedAtTheLaterOptionWhicheverComesFirst() {
        reject("a.service", "Global=true\n\n\nMachineID=" + ID + "\n", 8, 1, "MachineID cannot be used with Global");
    }

    @Test
    void peerMatchingOwnConflictOrReplace() {
        reject("a.service", "MachineOf=db.service\nConflicts=d*.service\n", 6, 1,
                "MachineOf peer db.service matches Conflicts pattern d*.service");
        reject("a.service", "Replaces=db.service\nMachineOf=db\n", 6, 1,
                "MachineOf peer db.service matches Replaces pattern db.service");
    }

    @Test
    void conflictOrReplaceNamingExactlyTheUnitItself() {
        reject("web@01.service", "Conflicts=%n\n", 5, 1, "Conflicts=web@01.service names web@01.service itself");
        reject("web@01.service", "Conflicts=other.service\nX-Conflicts=web@01.service\n", 6, 1, "cannot conflict with itself");
        reject("b.service", "Replaces=b.service\n", 5, 1, "cannot replace itself");
    }

    @Test
    void unknownOptionsAreNamedWithASuggestion() {
        UnitParseException e = reject("a.service", "MachineOf=db\n  Conflict=x\nFoo=1\n", 6, 3,
                "unknown option Conflict in [X-Fleet] (did you mean Conflicts?)");
        assertThat(e.reason()).contains("also unknown: Foo (line 7)").contains("known: MachineID, MachineOf");
        reject("a.service", "machineid=" + ID + "\n", 5, 1, "did you mean MachineID?");
    }

    @Test
    void malformedValuesPointIntoTheValue() {
        reject("a.service", "MachineID=2AA4E35A\n", 5, 11, "MachineID: expected a machine ID");
        reject("a.service", "MachineID=2aa4e35a0\n", 5, 11, "MachineID: expected a machine ID");
        reject("a.service", "X-ConditionMachineBootID=xyz\n", 5, 26, "X-ConditionMachineBootID: expected a machine ID");
        reject("a.service", "Global=maybe\n", 5, 8, "Global: expected a boolean");
        reject("a.service", "MachineOf=db.service b@d!.service\n", 5, 25, "character '!' at position 4");
        reject("a.service", "MachineMetadata=region=x  novalue\n", 5, 27, "expected key=value, got \"novalue\"");
        reject("a.service", "MachineMetadata=\"a=b\" =c\n", 5, 23, "expected key=value");
        reject("a.service", "MachineMetadata=k=\n", 5, 17, "expected key=value");
        reject("a.service", "MachineMetadata=\"a=b\n", 5, 17, "unterminated double quote");
        reject("a.service", "Conflicts=ok.service bad[.service\n", 5, 25, "unclosed '['");
    }

    @Test
    void specifierErrorsPointAtThePercent() {
        reject("a.service", "MachineOf=%H.service\n", 5, 11, "specifier %H is not available here");
        reject("a.service", "Conflicts=web-%z\n", 5, 15, "unknown specifier \"%z\"");
        reject("a.service", "Conflicts=a \\\n  b-%\n", 6, 5, "incomplete specifier");
    }

    @Test
    void errorSourceIsTheUnitName() {
        UnitParseException e = reject("web@3.service", "Global=x\n", 5, 8, "Global");
        assertThat(e.getMessage()).startsWith("web@3.service:5:8: Global: expected a boolean");
    }
}
