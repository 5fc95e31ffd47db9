package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitStatus;

/** Environment=, EnvironmentFile=, the machine's facts, expansion in Exec lines, WorkingDirectory=, User=. */
class EnvironmentTest extends ExecTestSupport {

    @Test
    void everyLayerReachesTheProcess() throws Exception {
        Path file = work.resolve("app.env");
        Files.writeString(file, """
                # settings for the app
                FROMFILE=from-file
                QUOTED="a \\"quoted\\" value"
                PLAIN=overridden-by-file
                COREOS_PRIVATE_IPV4=9.9.9.9
                not a valid line
                """);
        start("env@abc.service", """
                [Service]
                Type=oneshot
                Environment="GREETING=hello  world" PLAIN=yes
                Environment=INSTANCE=%%i-on-%%H
                EnvironmentFile=%s
                EnvironmentFile=-%s/missing.env
                EnvironmentFile=/etc/environment
                ExecStart=/bin/sh -c 'echo "G=$GREETING P=$PLAIN F=$FROMFILE Q=$QUOTED I=$INSTANCE"'
                ExecStart=/bin/sh -c 'echo "pub=$COREOS_PUBLIC_IPV4 priv=$COREOS_PRIVATE_IPV4 id=$FLOTILLA_MACHINE_ID"'
                ExecStart=/bin/sh -c 'echo "fpub=$FLOTILLA_PUBLIC_IP fpriv=$FLOTILLA_PRIVATE_IP unit=$FLOTILLA_UNIT"'
                """.formatted(file, work));

        assertThat(journal("env@abc.service"))
                .contains("G=hello  world P=overridden-by-file F=from-file Q=a \"quoted\" value I=abc-on-exec-host")
                .contains("pub=10.1.2.3 priv=192.168.7.8 id=" + MACHINE.machineId())
                .contains("fpub=10.1.2.3 fpriv=192.168.7.8 unit=env@abc.service")
                .contains("skipping line 6: not NAME=VALUE: not a valid line");
    }

    @Test
    void anExplicitEnvironmentWinsOverTheFactsAndTheAgentsVariablesAreTheLowestLayer() throws Exception {
        var def = unit("override.service", """
                [Service]
                Type=oneshot
                Environment=COREOS_PUBLIC_IPV4=1.1.1.1 FROM_BOTH=unit
                ExecStart=/bin/sh -c 'echo "pub=$COREOS_PUBLIC_IPV4 both=$FROM_BOTH agent=$FROM_AGENT"'
                """);
        get(runtime.start(new StartRequest(def, MACHINE, Map.of("FROM_AGENT", "yes", "FROM_BOTH", "agent"))));
        assertThat(journal("override.service")).contains("pub=1.1.1.1 both=unit agent=yes");
    }

    @Test
    void execLinesExpandVariablesBySystemdRules() throws Exception {
        start("expand.service", """
                [Service]
                Type=oneshot
                Environment="WORDS=a b  c" ONE=x
                ExecStart=/usr/bin/printf '[%%s]' $WORDS ${WORDS} pre${ONE}post $$ONE $UNDEFINED ${UNDEFINED} end
                """);
        assertThat(journal("expand.service")).contains("[a][b][c][a b  c][prexpost][$ONE][][end]");
    }

    @Test
    void specifiersExpandWithTheMachinesFacts() throws Exception {
        start("spec@x1.service", "[Service]\nType=oneshot\nExecStart=/bin/echo %n %N %p %i %H %m %b %%\n");
        assertThat(journal("spec@x1.service")).contains("spec@x1.service spec@x1 spec x1 exec-host " + MACHINE.machineId()
                + " " + MACHINE.bootId() + " %");
    }

    @Test
    void aMissingRequiredEnvironmentFileFailsTheUnit() throws Exception {
        UnitStatus s = start("nofile.service", "[Service]\nEnvironmentFile=/no/such.env\nExecStart=/bin/sleep 1000\n");
        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("EnvironmentFile=/no/such.env: no such file")
                .contains("EnvironmentFile=-/no/such.env"));
    }

    @Test
    void workingDirectoryIsWhereCommandsRun() throws Exception {
        Path dir = Files.createDirectories(work.resolve("wd"));
        start("wd.service", "[Service]\nType=oneshot\nWorkingDirectory=%s\nExecStart=/bin/pwd\n".formatted(dir));
        start("root.service", "[Service]\nType=oneshot\nExecStart=/bin/pwd\n");
        start("optional.service", "[Service]\nType=oneshot\nWorkingDirectory=-/no/such/dir\nExecStart=/bin/pwd\n");
        UnitStatus missing = start("missing-wd.service", "[Service]\nWorkingDirectory=/no/such/dir\nExecStart=/bin/pwd\n");

        assertThat(journal("wd.service")).contains(dir + "\n");
        assertThat(journal("root.service")).contains("\n/\n");
        assertThat(journal("optional.service")).contains("\n/\n");
        assertThat(missing.reason()).hasValueSatisfying(r -> assertThat(r).contains("WorkingDirectory=/no/such/dir does "
                + "not exist"));
    }

    @Test
    void userSwitchesTheIdentityOrFailsClearly() throws Exception {
        UnitStatus unknown = start("ghost.service", "[Service]\nUser=no-such-user-here\nExecStart=/bin/sleep 1000\n");
        assertThat(unknown.stateName()).isEqualTo("failed/failed");
        assertThat(unknown.reason()).hasValueSatisfying(r -> assertThat(r).contains("User=no-such-user-here: no such user"));

        UnitStatus s = start("nobody.service", """
                [Service]
                Type=oneshot
                User=nobody
                ExecStart=/bin/sh -c 'echo "uid=$(id -u) user=$USER"'
                ExecStart=+/bin/sh -c 'echo "privileged uid=$(id -u)"'
                """);
        if (UserAccount.currentUid() == 0) {
            assertThat(s.stateName()).isEqualTo("inactive/dead");
            assertThat(journal("nobody.service")).contains("uid=65534 user=nobody").contains("privileged uid=0");
        } else {
            assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("can only switch users as root"));
        }
    }
}
