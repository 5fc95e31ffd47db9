package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.UnitStatus;

/** ExecStartPre/ExecStart/ExecStartPost/ExecStop/ExecStopPost, repeated lines and their prefixes. */
class ExecLinesTest extends ExecTestSupport {

    @Test
    void startCommandsRunInOrderAroundTheMainProcess() throws Exception {
        UnitStatus s = start("order.service", """
                [Service]
                ExecStartPre=/bin/echo pre-one
                ExecStartPre=/bin/echo pre-two
                ExecStart=/bin/sh -c 'echo main; exec sleep 1000'
                ExecStartPost=/bin/sh -c 'echo "post sees $MAINPID"'
                """);

        assertThat(s.stateName()).isEqualTo("active/running");
        String journal = awaitJournal("order.service", "post sees " + s.mainPid().getAsLong());
        assertThat(journal).containsSubsequence("pre-one", "pre-two", "post sees");
        assertThat(states("order.service")).containsSubsequence("activating/start-pre", "activating/start-post",
                "active/running");
    }

    @Test
    void failingStartPreFailsTheUnitNamingTheCommand() throws Exception {
        UnitStatus s = start("pre.service", """
                [Service]
                ExecStartPre=/usr/bin/false
                ExecStart=/bin/echo never
                """);

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).contains("ExecStartPre=/usr/bin/false exited with status 1");
        assertThat(journal("pre.service")).doesNotContain("never\n");
    }

    @Test
    void dashPrefixIgnoresAFailure() throws Exception {
        UnitStatus s = start("dash.service", """
                [Service]
                ExecStartPre=-/usr/bin/false
                ExecStartPre=-/no/such/program
                ExecStart=/bin/sleep 1000
                """);

        assertThat(s.stateName()).isEqualTo("active/running");
        assertThat(journal("dash.service")).contains("ExecStartPre=/usr/bin/false exited with status 1 (ignored: '-' prefix)")
                .contains("/no/such/program does not exist or is not executable (ignored: '-' prefix)");
    }

    @Test
    void stopCommandsSeeTheMainProcessAndTheResult() throws Exception {
        long main = start("stopper.service", """
                [Service]
                ExecStart=/bin/sleep 1000
                ExecStop=/bin/sh -c 'echo "stop $MAINPID"'
                ExecStop=/bin/echo second-stop
                ExecStopPost=/bin/sh -c 'echo "post $SERVICE_RESULT $EXIT_CODE $EXIT_STATUS"'
                """).mainPid().getAsLong();

        UnitStatus s = stop("stopper.service");

        assertThat(s.stateName()).isEqualTo("inactive/dead");
        assertThat(journal("stopper.service")).containsSubsequence("stop " + main, "second-stop", "post success killed TERM");
        assertThat(states("stopper.service")).containsSubsequence("deactivating/stop", "deactivating/stop-sigterm",
                "deactivating/stop-post", "inactive/dead");
    }

    @Test
    void atPrefixSetsArgvZero() throws Exception {
        start("argv0.service", "[Service]\nType=oneshot\nExecStart=@/bin/sh my-name -c 'echo \"I am $0\"'\n");
        assertThat(journal("argv0.service")).contains("I am my-name");
    }

    @Test
    void pipePrefixIsRefusedAsABadSetting() throws Exception {
        UnitStatus s = start("shell.service", "[Service]\nExecStart=|echo hi\n");

        assertThat(s.load()).isEqualTo(LoadState.BAD_SETTING);
        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("'|' prefix"));
    }

    @Test
    void missingProgramFailsWithAClearReason() throws Exception {
        UnitStatus s = start("missing.service", "[Service]\nExecStart=/no/such/program --flag\n");

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).contains("ExecStart=/no/such/program --flag: /no/such/program does not exist or is not "
                + "executable");
    }

    @Test
    void programsWithoutPathAreLookedUpInPath() throws Exception {
        start("lookup.service", "[Service]\nType=oneshot\nExecStart=echo found-in-path\n");
        assertThat(journal("lookup.service")).contains("found-in-path");
    }

    @Test
    void twoExecStartLinesAreABadSettingForSimple() throws Exception {
        UnitStatus s = start("two.service", "[Service]\nExecStart=/bin/true\nExecStart=/bin/true\n");
        assertThat(s.load()).isEqualTo(LoadState.BAD_SETTING);
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("only Type=oneshot allows"));
    }
}
