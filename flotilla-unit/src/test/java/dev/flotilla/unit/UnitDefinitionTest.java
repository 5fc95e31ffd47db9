package dev.flotilla.unit;

import static dev.flotilla.unit.Rejections.rejectedAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnitDefinitionTest {

    @Test
    void submittedTextIsParsedAndItsFleetOptionsChecked() {
        UnitDefinition d = UnitDefinition.parse(UnitName.parse("dbhelper"), Fixtures.text("dbhelper.service"));
        assertThat(d.name()).isEqualTo(new UnitName("dbhelper.service"));
        assertThat(d.fleet().machineOf()).containsExactly(UnitName.parse("db"));
        assertThat(d.hash()).isEqualTo(ContentHash.of(Fixtures.bytes("dbhelper.service")));
        UnitParseException e = rejectedAt(() -> UnitDefinition.parse(UnitName.parse("x"),
                "[X-Fleet]\nGlobal=true\nMachineOf=db\n"), 3, 1, "MachineOf cannot be used with Global");
        assertThat(e.source()).isEqualTo("x.service");
    }

    @Test
    void containerInstancesAreCheckedAtSubmitTemplatesAreNot() {
        String text = "[Container]\nImage=nginx\nPublishPort=%i:80\n";
        assertThat(UnitDefinition.parse(UnitName.parse("web@.container"), text).fleet()).isEqualTo(FleetOptions.NONE);
        assertThat(UnitDefinition.parse(UnitName.parse("web@8080.container"), text).name().instance()).isEqualTo("8080");
        rejectedAt(() -> UnitDefinition.parse(UnitName.parse("web@x.container"), text), 3, 13,
                "PublishPort: host port must be a number");
        rejectedAt(() -> UnitDefinition.parse(UnitName.parse("db.container"), "[Container]\nExec=x\n"), 1, 1,
                "[Container] has no Image=");
        assertThat(UnitDefinition.parse(UnitName.parse("hostname.container"), "[Container]\nImage=i\nExec=echo %H\n")
                .file().value("Container", "Exec")).contains("echo %H");
    }

    @Test
    void serviceUnitsMayCarryAnyOtherSections() {
        assertThat(UnitDefinition.parse(UnitName.parse("a"), "[Service]\nExecStart=/bin/true\n[Container]\nWhatever=1\n")
                .file().sections()).containsExactly("Service", "Container");
    }

    @Test
    void optionListsAreCheckedLikeText() {
        List<UnitOption> options = List.of(new UnitOption("Service", "ExecStart", "/bin/true"),
                new UnitOption("X-Fleet", "MachineID", "nothex"));
        rejectedAt(() -> UnitDefinition.fromOptions(UnitName.parse("a"), options), 5, 11, "MachineID: expected a machine ID");
    }
}
