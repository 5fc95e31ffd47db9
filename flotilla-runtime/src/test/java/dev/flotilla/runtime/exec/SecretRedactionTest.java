package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;

/**
 * What the exec runtime says about a unit (its failure reason, its own journal lines) masks secret-looking
 * values, as the seed's {@code docker run -e MYSQL_ROOT_PASSWORD=...} would otherwise show them; the unit's
 * processes still get the real values.
 */
class SecretRedactionTest extends ExecTestSupport {

    @Test
    void aFailingCommandsReasonAndJournalShowNoPassword() throws Exception {
        UnitStatus s = start("db.service", "[Service]\n"
                + "ExecStart=/no/such/docker run -e MYSQL_ROOT_PASSWORD=dh47dk504 -p 3306:3306 mysql\n");

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r)
                .contains("ExecStart=/no/such/docker run -e MYSQL_ROOT_PASSWORD=*** -p")
                .doesNotContain("dh47dk504"));
        assertThat(journal("db.service")).contains("MYSQL_ROOT_PASSWORD=***").doesNotContain("dh47dk504");
    }

    @Test
    void theProcessStillSeesTheRealValue() throws Exception {
        start("env.service", "[Service]\nType=oneshot\nEnvironment=\"API_TOKEN=t0k3n value\"\n"
                + "ExecStart=/bin/sh -c 'echo \"got $${#API_TOKEN} chars\"'\n");

        assertThat(awaitJournal("env.service", "got 11 chars")).doesNotContain("t0k3n");
    }
}
