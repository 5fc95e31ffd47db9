package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.unit.ContentHash;

/** submit, cat, list-unit-files and destroy, as fleetctl's users type them. */
class UnitFilesIT extends FleetCliTestBase {

    private static final List<String> SEEDS = List.of("db.service", "dbhelper.service", "lbhelper.service",
            "mondb.service", "monweb@.service", "web@.service");

    @Test
    void submitThenCatGivesBackEveryFileByteForByte() throws Exception {
        for (String name : SEEDS) {
            seedFile(name);
        }
        CliProcess.Result submit = cli("submit", "db.service", "dbhelper.service", "lbhelper.service", "mondb.service",
                "monweb@.service", "web@.service");
        assertThat(submit.exitCode()).as(submit.toString()).isZero();
        assertThat(submit.out()).isEmpty();
        assertThat(submit.err()).isEmpty();

        for (String name : SEEDS) {
            CliProcess.Result cat = cli("cat", name);
            assertThat(cat.exitCode()).as(cat.toString()).isZero();
            assertThat(cat.outBytes()).as(name).isEqualTo(seed(name));
        }
        assertThat(new String(seed("monweb@.service"), StandardCharsets.UTF_8)).contains("ExecStart=/bin/bash -c '\\\n");
    }

    @Test
    void catKeepsCrlfAByteOrderMarkAndAMissingFinalNewline() throws Exception {
        String text = "\uFEFF# odd but valid\r\n[Service]\r\nExecStart=/bin/sleep 1000";
        file("odd.service", text);
        assertThat(cli("submit", "odd.service").exitCode()).isZero();
        assertThat(cli("cat", "odd").outBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void submitOfAnInvalidUnitNamesFileLineAndReasonAndStoresNothing() throws Exception {
        seedFile("db.service");
        file("bad.service", "[Unit]\nDescription=broken\nExecStart /bin/true\n");

        CliProcess.Result submit = cli("submit", "db.service", "bad.service");
        assertThat(submit.exitCode()).as(submit.toString()).isEqualTo(2);
        assertThat(submit.err().lines()).as(submit.toString()).hasSize(1);
        assertThat(submit.err()).startsWith("flotilla submit: bad.service:3:").contains("=");
        assertThat(cluster.unit("db.service")).isEmpty();
        assertThat(cluster.unit("bad.service")).isEmpty();
    }

    @Test
    void aUnitFileOverOneMebibyteIsRefusedBeforeAnythingIsSent() throws Exception {
        seedFile("db.service");
        String big = "[Service]\nExecStart=/bin/true\n" + ("# " + "y".repeat(98) + "\n").repeat(11_000);
        file("big.service", big);

        CliProcess.Result submit = cli("submit", "db.service", "big.service");
        assertThat(submit.exitCode()).as(submit.toString()).isEqualTo(2);
        assertThat(submit.err()).isEqualTo("flotilla submit: unit file big.service is " + big.length() + " bytes; at most "
                + "1048576 (1 MiB) are accepted (keep large data out of unit files)\n");
        assertThat(cluster.unit("db.service")).isEmpty();
    }

    @Test
    void submitOfARejectedXFleetCombinationNamesTheLine() throws Exception {
        file("both.service", "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\nMachineOf=db.service\n");
        CliProcess.Result submit = cli("submit", "both.service");
        assertThat(submit.exitCode()).isEqualTo(2);
        assertThat(submit.err().lines()).hasSize(1);
        assertThat(submit.err()).startsWith("flotilla submit: both.service:");
        assertThat(cluster.unit("both.service")).isEmpty();
    }

    @Test
    void submitWarnsAboutADifferentLocalFileAndReplaceReplacesIt() throws Exception {
        file("a.service", "[Service]\nExecStart=/bin/sleep 1\n");
        cli("submit", "a.service");
        file("a.service", "[Service]\nExecStart=/bin/sleep 2\n");

        CliProcess.Result again = cli("submit", "a.service");
        assertThat(again.exitCode()).isZero();
        assertThat(again.err()).isEqualTo("WARNING: Unit a.service in registry differs from local unit file a.service. "
                + "Add --replace to override.\n");
        assertThat(cli("cat", "a.service").out()).isEqualTo("[Service]\nExecStart=/bin/sleep 1\n");

        CliProcess.Result replace = cli("submit", "--replace", "a.service");
        assertThat(replace.exitCode()).as(replace.toString()).isZero();
        assertThat(cli("cat", "a.service").out()).isEqualTo("[Service]\nExecStart=/bin/sleep 2\n");
    }

    @Test
    void listUnitFilesIsFleetctlsTableSortedForTwentyInstances() throws Exception {
        String template = new String(seed("web@.service"), StandardCharsets.UTF_8);
        seedFile("web@.service");
        assertThat(cli("submit", "web@.service").exitCode()).isZero();
        List<String> instances = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            instances.add(String.format("web@%02d.service", i));
        }
        List<String> shuffled = new ArrayList<>(instances);
        Collections.shuffle(shuffled, new Random(42));
        CliProcess.Result submit = cli(concat("submit", shuffled));
        assertThat(submit.exitCode()).as(submit.toString()).isZero();

        MachineId m1 = cluster.machine("6847f4f7aa11bb22cc33dd44ee55ff66", "10.208.201.226", Map.of());
        MachineId m2 = cluster.machine("ee5398cf00112233445566778899aabb", "10.208.201.250", Map.of());
        cluster.setDesired("web@01.service", DesiredState.LAUNCHED);
        cluster.place("web@01.service", m1);
        cluster.publish("web@01.service", m1, "loaded", "active", "running");
        cluster.setDesired("web@02.service", DesiredState.LOADED);
        cluster.place("web@02.service", m2);
        cluster.publish("web@02.service", m2, "loaded", "inactive", "dead");

        String hash = ContentHash.of(template).shortHex();
        StringBuilder expected = new StringBuilder("UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\n");
        expected.append("web@.service\t").append(hash).append("\tinactive\tinactive\t-\n");
        for (String unit : instances) {
            String dstate = unit.equals("web@01.service") ? "launched" : unit.equals("web@02.service") ? "loaded" : "inactive";
            String target = unit.equals("web@01.service") ? "6847f4f7.../10.208.201.226"
                    : unit.equals("web@02.service") ? "ee5398cf.../10.208.201.250" : "-";
            expected.append(unit).append('\t').append(hash).append('\t').append(dstate).append(dstate.length() < 8 ? "\t\t" : "\t")
                    .append(dstate).append(dstate.length() < 8 ? "\t\t" : "\t").append(target).append('\n');
        }
        CliProcess.Result list = cli("list-unit-files");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).isEqualTo(expected.toString());

        CliProcess.Result names = cli("list-unit-files", "-fields=unit", "-no-legend");
        assertThat(names.out().lines().toList()).first().isEqualTo("web@.service");
        assertThat(names.out().lines().skip(1).toList()).isEqualTo(instances);
    }

    @Test
    void listUnitFilesShowsFieldsOnRequestAndRefusesUnknownOnes() throws Exception {
        seedFile("db.service");
        cli("submit", "db.service");
        CliProcess.Result list = cli("list-unit-files", "--fields", "unit,global,desc", "--full");
        assertThat(list.out()).isEqualTo("UNIT\t\tGLOBAL\tDESC\ndb.service\tfalse\tMySQL for the world application\n");
        CliProcess.Result bad = cli("list-unit-files", "--fields", "unit,colour");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().lines()).hasSize(1);
        assertThat(bad.err()).contains("Invalid key in output format: \"colour\"");
    }

    @Test
    void destroyRemovesUnitsAndSaysWhichDidNotExist() throws Exception {
        file("a.service", "[Service]\nExecStart=/bin/true\n");
        file("b.service", "[Service]\nExecStart=/bin/true\n");
        cli("submit", "a.service", "b.service");

        CliProcess.Result destroy = cli("destroy", "a.service", "b");
        assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
        assertThat(destroy.out()).isEqualTo("Destroyed a.service\nDestroyed b.service\n");
        assertThat(cluster.unit("a.service")).isEmpty();

        CliProcess.Result again = cli("destroy", "a.service");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("Unit a.service not found\n");
    }

    @Test
    void catOfAnUnknownUnitIsOneLineAndExitOne() {
        CliProcess.Result cat = cli("cat", "nope");
        assertThat(cat.exitCode()).isEqualTo(1);
        assertThat(cat.out()).isEmpty();
        assertThat(cat.err()).isEqualTo("flotilla cat: Unit nope.service not found\n");
    }

    @Test
    void theTutorialsCleanupDestroysEverything() throws Exception {
        for (String name : SEEDS) {
            seedFile(name);
        }
        cli(concat("submit", SEEDS));
        List<String> names = cli("list-unit-files", "-fields=unit", "-no-legend").out().lines().toList();
        assertThat(names).isEqualTo(SEEDS);
        CliProcess.Result destroy = cli(concat("destroy", names));
        assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
        assertThat(cli("list-unit-files").out()).isEqualTo("UNIT\tHASH\tDSTATE\tSTATE\tTARGET\n");
    }

    private static String[] concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
