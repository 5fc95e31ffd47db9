package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitStatus;

/**
 * MemoryMax=/CPUShares= through cgroups. Where this host offers writable controllers the limits
 * must be enforced; where it does not, the status must say why — both paths are asserted, so the
 * test means something on every host.
 */
class CgroupLimitsTest extends ExecTestSupport {

    @Test
    void aMemoryHogIsKilledAndTheReasonSaysOutOfMemory() throws Exception {
        UnitStatus s = start("hog.service", """
                [Service]
                MemoryMax=32M
                ExecStart=/usr/bin/perl -e '$x = "a" x (256 * 1024 * 1024); print "survived\\n"; sleep 100'
                """);
        LimitReport memory = s.limits().getFirst();
        assertThat(memory.setting()).isEqualTo("MemoryMax");
        if (!memory.applied()) {
            assertThat(memory.detail()).isNotBlank();
            assertThat(journal("hog.service")).contains("MemoryMax=32M NOT applied: " + memory.detail());
            return;
        }
        UnitStatus end = awaitState("hog.service", "failed/failed");
        assertThat(end.lastExit()).contains(new ProcessExit.Killed(9, "KILL", false));
        assertThat(end.reason()).hasValueSatisfying(r -> assertThat(r).endsWith("(out of memory: MemoryMax=32M)"));
        assertThat(journal("hog.service")).doesNotContain("survived");
    }

    @Test
    void cpuSharesBecomeTheCgroupsWeight() throws Exception {
        UnitStatus s = start("shares.service", "[Service]\nCPUShares=512\nExecStart=/bin/sleep 1000\n");
        LimitReport cpu = s.limits().getFirst();
        assertThat(cpu.setting()).isEqualTo("CPUShares");
        if (cpu.applied()) {
            assertThat(cpu.detail()).matches("(cpu\\.shares=512|cpu\\.weight=50) in .*");
            Path dir = Path.of(cpu.detail().substring(cpu.detail().indexOf(" in ") + 4));
            assertThat(Files.readAllLines(dir.resolve("cgroup.procs"))).contains(Long.toString(s.mainPid().getAsLong()));
        } else {
            assertThat(cpu.detail()).isNotBlank();
        }
        stop("shares.service");
    }

    @Test
    void requiredLimitsThatCannotBeAppliedFailTheUnit() throws Exception {
        try (ExecRuntime strict = ExecRuntime.open(ExecRuntimeConfig.of(work.resolve("strict")).withCgroups(false)
                .withRequireLimits(true))) {
            var def = unit("strict.service", "[Service]\nMemoryMax=1G\nExecStart=/bin/sleep 1000\n");
            UnitStatus s = get(strict.start(new StartRequest(def, MACHINE, Map.of())));

            assertThat(s.stateName()).isEqualTo("failed/failed");
            assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("resource limits required but not applied")
                    .contains("cgroups are disabled"));
            assertThat(s.mainPid()).isEmpty();
        }
    }

    @Test
    void withoutCgroupsTheUnitRunsAndTheStatusSaysSo() throws Exception {
        try (ExecRuntime lenient = ExecRuntime.open(ExecRuntimeConfig.of(work.resolve("lenient")).withCgroups(false))) {
            var def = unit("lenient.service", "[Service]\nMemoryMax=1G\nCPUWeight=10\nExecStart=/bin/sleep 1000\n");
            UnitStatus s = get(lenient.start(new StartRequest(def, MACHINE, Map.of())));

            assertThat(s.stateName()).isEqualTo("active/running");
            assertThat(s.limits()).extracting(LimitReport::describe).containsExactly(
                    "MemoryMax=1G NOT applied: cgroups are disabled for this runtime",
                    "CPUWeight=10 NOT applied: cgroups are disabled for this runtime");
            get(lenient.stop(def.name()));
        }
    }
}
