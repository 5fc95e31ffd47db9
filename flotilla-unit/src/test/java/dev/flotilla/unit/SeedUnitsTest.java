package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The world application's units, written in the style of the seed tutorial's fleet-services/. */
class SeedUnitsTest {

    @ParameterizedTest
    @ValueSource(strings = {"db.service", "dbhelper.service", "mondb.service", "web@.service", "monweb@.service",
            "lbhelper.service", "web@.container"})
    void everyFixtureParsesAndSerialisesByteForByte(String name) {
        byte[] bytes = Fixtures.bytes(name);
        UnitFile f = UnitFile.parse(name, bytes);
        assertThat(f.serialise().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        assertThat(f.hash()).isEqualTo(ContentHash.of(bytes));
        assertThat(UnitDefinition.parse(UnitName.parse(name), Fixtures.text(name)).file()).isEqualTo(f);
    }

    @Test
    void mondbExecStartJoinsItsContinuationLinesSystemdStyle() {
        UnitFile f = Fixtures.unit("mondb.service");
        String expected = "/bin/bash -c ' "
                + "  while true; do  "
                + "\t  etcdctl set /services/db/private_ip \\'{\"host\": \\\"${COREOS_PRIVATE_IPV4}\\\"}\\' --ttl 30;  "
                + "      sleep 20;  "
                + "  done'";
        assertThat(f.value("Service", "ExecStart")).contains(expected);
        assertThat(SystemdQuoting.split(expected)).containsExactly("/bin/bash", "-c",
                "   while true; do  \t  etcdctl set /services/db/private_ip '{\"host\": \"${COREOS_PRIVATE_IPV4}\"}'"
                        + " --ttl 30;        sleep 20;    done");
        assertThat(f.values("Unit", "Requires")).containsExactly("etcd.service", "db.service");
        assertThat(f.value("Service", "ExecStop")).contains("/usr/bin/etcdctl rm /services/db/private_ip");
        UnitElement.Assignment execStart = f.assignments("Service").get(1);
        assertThat(execStart.line()).isEqualTo(10);
        assertThat(execStart.raw().lines()).hasSize(5);
    }

    @Test
    void legacyMachineOfPlacesHelpersBesideDb() {
        for (String name : List.of("mondb.service", "dbhelper.service")) {
            FleetOptions fleet = FleetOptions.parse(Fixtures.unit(name), UnitName.parse(name));
            assertThat(fleet.machineOf()).containsExactly(new UnitName("db.service"));
            assertThat(fleet.conflicts()).isEmpty();
            assertThat(fleet.global()).isFalse();
        }
        assertThat(FleetOptions.parse(Fixtures.unit("db.service"), UnitName.parse("db"))).isEqualTo(FleetOptions.NONE);
    }

    @Test
    void webInstancesConflictWithEachOtherButNotThemselves() {
        UnitFile template = Fixtures.unit("web@.service");
        UnitName web01 = UnitName.parse("web@01");
        FleetOptions fleet = UnitDefinition.fromOptions(web01, template.options()).fleet();
        assertThat(fleet.conflicts()).containsExactly(new UnitGlob("web@*.service"));
        assertThat(fleet.conflictsWith(web01, UnitName.parse("web@02"))).isTrue();
        assertThat(fleet.conflictsWith(web01, web01)).isFalse();
        assertThat(fleet.conflictsWith(web01, UnitName.parse("db"))).isFalse();
        assertThat(template.elements().get(4)).isEqualTo(new UnitElement.Blank(5, " \n"));
    }

    @Test
    void monwebInstanceFollowsItsWebInstanceAndExpandsAtRunTime() {
        UnitFile template = Fixtures.unit("monweb@.service");
        UnitName monweb07 = UnitName.parse("monweb@07.service");
        UnitDefinition instance = UnitDefinition.fromOptions(monweb07, template.options());
        assertThat(instance.file().options()).isEqualTo(template.options());
        assertThat(instance.fleet().machineOf()).containsExactly(UnitName.parse("web@07"));
        String execStart = instance.file().value("Service", "ExecStart").orElseThrow();
        MachineFacts core01 = MachineFacts.of("2aa4e35a" + "0".repeat(24), "core01", "b".repeat(32));
        String expanded = Specifiers.expand(execStart, monweb07, core01);
        assertThat(expanded).contains("etcdctl set /services/web/web07/unit \"monweb@07.service\" --ttl $ttl;")
                .contains("etcdctl set /services/web/web07/host \"core01\"")
                .contains("curl -sf ${COREOS_PUBLIC_IPV4}:8007/health.php")
                .doesNotContain("%");
        assertThat(instance.file().values("Service", "ExecStop")).singleElement().asString()
                .startsWith("/bin/bash -c ' etcdctl rm /services/web/web%i/unit;  etcdctl rm");
    }

    @Test
    void lbhelperMetadataOrsOneKeyAndAndsKeys() {
        FleetOptions fleet = FleetOptions.parse(Fixtures.unit("lbhelper.service"), UnitName.parse("lbhelper"));
        assertThat(fleet.machineMetadata()).isEqualTo(Map.of("role", Set.of("edge", "lb"), "region", Set.of("iad")));
        assertThat(fleet.allowsMetadata(Map.of("role", "lb", "region", "iad"))).isTrue();
        assertThat(fleet.allowsMetadata(Map.of("role", "edge", "region", "iad", "disk", "ssd"))).isTrue();
        assertThat(fleet.allowsMetadata(Map.of("role", "web", "region", "iad"))).isFalse();
        assertThat(fleet.allowsMetadata(Map.of("role", "lb"))).isFalse();
    }

    @Test
    void crlfCopyOfAFixtureRoundTripsAndHasTheSameOptions() {
        String lf = Fixtures.text("monweb@.service");
        String crlf = lf.replace("\n", "\r\n");
        UnitFile a = UnitFile.parse("lf", lf);
        UnitFile b = UnitFile.parse("crlf", crlf);
        assertThat(b.serialise()).isEqualTo(crlf);
        assertThat(b.options()).isEqualTo(a.options());
        assertThat(b.hash()).isNotEqualTo(a.hash());
    }
}
