package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.exec.ServiceSpec.KillMode;
import dev.flotilla.runtime.exec.ServiceSpec.Limit;
import dev.flotilla.runtime.exec.ServiceSpec.RestartPolicy;
import dev.flotilla.runtime.exec.ServiceSpec.ServiceType;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/** Reading [Service]: defaults, values, refusals. */
class ServiceSpecParserTest {

    private static final MachineFacts MACHINE = MachineFacts.of("m".repeat(32), "host", "b".repeat(32));

    private static ServiceSpec parse(String service) {
        return parse("", service);
    }

    private static ServiceSpec parse(String unitSection, String service) {
        String text = (unitSection.isEmpty() ? "" : "[Unit]\n" + unitSection + "\n") + "[Service]\n" + service + "\n";
        return ServiceSpecParser.parse(UnitDefinition.parse(UnitName.parse("x@1.service"), text), MACHINE);
    }

    @Test
    void defaultsAreSystemds() {
        ServiceSpec s = parse("ExecStart=/bin/true");

        assertThat(s.type()).isEqualTo(ServiceType.SIMPLE);
        assertThat(s.remainAfterExit()).isFalse();
        assertThat(s.restart().policy()).isEqualTo(RestartPolicy.NO);
        assertThat(s.restart().delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.restart().maxDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.restart().burst()).isEqualTo(5);
        assertThat(s.restart().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.timeoutStart()).contains(Duration.ofSeconds(90));
        assertThat(s.kill().timeout()).contains(Duration.ofSeconds(90));
        assertThat(s.kill().signal()).isEqualTo(15);
        assertThat(s.kill().finalSignal()).isEqualTo(9);
        assertThat(s.kill().sendSigkill()).isTrue();
        assertThat(s.kill().mode()).isEqualTo(KillMode.CONTROL_GROUP);
        assertThat(s.resources().any()).isFalse();
        assertThat(s.notes()).isEmpty();
    }

    @Test
    void timeoutsOfZeroOrInfinityMeanNone() {
        assertThat(parse("ExecStart=/bin/true\nTimeoutStartSec=0").timeoutStart()).isEmpty();
        assertThat(parse("ExecStart=/bin/true\nTimeoutStopSec=infinity").kill().timeout()).isEmpty();
        ServiceSpec both = parse("ExecStart=/bin/true\nTimeoutSec=5\nTimeoutStopSec=1min 30s");
        assertThat(both.timeoutStart()).contains(Duration.ofSeconds(5));
        assertThat(both.kill().timeout()).contains(Duration.ofSeconds(90));
    }

    @Test
    void restartSettingsAndTheStartLimitFromEitherSection() {
        ServiceSpec s = parse("StartLimitBurst=2\nStartLimitIntervalSec=1min",
                "ExecStart=/bin/true\nRestart=on-abnormal\nRestartSec=2\nRestartMaxDelaySec=10s");
        assertThat(s.restart().policy()).isEqualTo(RestartPolicy.ON_ABNORMAL);
        assertThat(s.restart().burst()).isEqualTo(2);
        assertThat(s.restart().interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.restart().delayBefore(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.restart().delayBefore(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.restart().delayBefore(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.restart().delayBefore(4)).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.restart().delayBefore(40)).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("ExecStart=/bin/true\nStartLimitBurst=7\nStartLimitInterval=0").restart())
                .satisfies(r -> assertThat(r.burst()).isEqualTo(7)).satisfies(r -> assertThat(r.interval()).isZero());
    }

    @Test
    void typesAndTheirRules() {
        assertThat(parse("Type=exec\nExecStart=/bin/true").type()).isEqualTo(ServiceType.SIMPLE);
        assertThat(parse("Type=forking\nPIDFile=/run/x.pid\nExecStart=/bin/true").pidFile()).contains("/run/x.pid");
        assertThat(parse("Type=oneshot\nExecStart=/bin/a\nExecStart=/bin/b").commands().start()).hasSize(2);
        assertThatThrownBy(() -> parse("Type=notify\nExecStart=/bin/true")).hasMessageContaining("Type=notify is not "
                + "supported").hasMessageContaining("use Type=simple");
        assertThatThrownBy(() -> parse("Type=oneshot\nRestart=always\nExecStart=/bin/true"))
                .hasMessageContaining("not allowed for Type=oneshot");
        assertThatThrownBy(() -> parse("Restart=sometimes\nExecStart=/bin/true")).hasMessageContaining("Restart=sometimes");
        assertThatThrownBy(() -> parse("Type=simple")).hasMessageContaining("no ExecStart=");
    }

    @Test
    void killSettings() {
        ServiceSpec s = parse("ExecStart=/bin/true\nKillSignal=SIGINT\nFinalKillSignal=QUIT\nSendSIGKILL=no\nKillMode=mixed");
        assertThat(s.kill().signal()).isEqualTo(2);
        assertThat(s.kill().finalSignal()).isEqualTo(3);
        assertThat(s.kill().sendSigkill()).isFalse();
        assertThat(s.kill().mode()).isEqualTo(KillMode.MIXED);
        assertThatThrownBy(() -> parse("ExecStart=/bin/true\nKillSignal=SIGNOPE")).hasMessageContaining("not a signal");
        assertThatThrownBy(() -> parse("ExecStart=/bin/true\nKillMode=none")).hasMessageContaining("KillMode=none");
    }

    @Test
    void resourceSettingsUnderBothNames() {
        assertThat(parse("ExecStart=/bin/true\nMemoryMax=1.5G\nCPUShares=512").resources()).satisfies(r -> {
            assertThat(r.memory()).contains(new Limit("MemoryMax", "1.5G", 1_610_612_736L));
            assertThat(r.cpu()).contains(new Limit("CPUShares", "512", 50));
        });
        assertThat(parse("ExecStart=/bin/true\nMemoryLimit=512K\nCPUWeight=300").resources()).satisfies(r -> {
            assertThat(r.memory()).contains(new Limit("MemoryLimit", "512K", 524_288));
            assertThat(r.cpu()).contains(new Limit("CPUWeight", "300", 300));
        });
        assertThat(parse("ExecStart=/bin/true\nMemoryMax=infinity").resources().memory()).isEmpty();
        assertThat(parse("ExecStart=/bin/true\nMemoryMax=50%").resources().memory()).hasValueSatisfying(
                l -> assertThat(l.amount()).isPositive());
        assertThatThrownBy(() -> parse("ExecStart=/bin/true\nMemoryMax=lots")).hasMessageContaining("MemoryMax=lots");
        assertThatThrownBy(() -> parse("ExecStart=/bin/true\nCPUWeight=0")).hasMessageContaining("from 1 to 10000");
    }

    @Test
    void environmentSuccessStatusAndNotes() {
        ServiceSpec s = parse("""
                ExecStart=/bin/true
                Environment="A=one two" B=%i
                Environment=not-an-assignment
                EnvironmentFile=-/etc/default/%p
                SuccessExitStatus=3 SIGUSR1
                PrivateTmp=yes
                LimitNOFILE=4096
                """);
        assertThat(s.context().environment()).containsExactly("A=one two", "B=1");
        assertThat(s.context().environmentFiles()).containsExactly(new ServiceSpec.EnvFileRef("/etc/default/x", true));
        assertThat(s.success().isSuccess(new ProcessExit.Exited(3))).isTrue();
        assertThat(s.success().isSuccess(new ProcessExit.Killed(10, "USR1", false))).isTrue();
        assertThat(s.success().isSuccess(new ProcessExit.Killed(15, "TERM", false))).isTrue();
        assertThat(s.success().isSuccess(new ProcessExit.Exited(4))).isFalse();
        assertThat(s.notes()).anySatisfy(n -> assertThat(n).contains("not-an-assignment"))
                .anySatisfy(n -> assertThat(n).isEqualTo("ignoring [Service] settings the exec runtime does not support: "
                        + "LimitNOFILE, PrivateTmp"));
        assertThatThrownBy(() -> parse("ExecStart=/bin/true\nEnvironmentFile=relative.env"))
                .hasMessageContaining("must be an absolute path");
        assertThat(parse("ExecStart=/bin/true\nWorkingDirectory=-~").context())
                .satisfies(c -> assertThat(c.workingDirectory()).isEqualTo(Optional.of("~")))
                .satisfies(c -> assertThat(c.workingDirectoryOptional()).isTrue());
    }
}
