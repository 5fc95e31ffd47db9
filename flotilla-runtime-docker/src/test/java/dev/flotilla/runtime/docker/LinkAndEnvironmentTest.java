package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;

/**
 * The tutorial's {@code docker run --name db -e MYSQL_ROOT_PASSWORD=... db} then {@code docker run --link
 * db:db dbhelper}: two units on one network, the database known to the helper by the alias {@code db}, the
 * helper configured through its environment, reaching the database and reading what the database's own
 * environment says.
 */
class LinkAndEnvironmentTest extends DockerTestSupport {

    @Test
    void theHelperReachesTheDatabaseByItsNetworkAliasWithItsEnvironment() throws Exception {
        String net = network("world");
        UnitDefinition db = unit("db-" + id + ".container", """
                [Container]
                Image=%s
                Network=%s
                NetworkAlias=db
                Environment=MYSQL_ROOT_PASSWORD=dh47dk504dk44dd
                """.formatted(image, net));
        UnitDefinition helper = unit("dbhelper-" + id + ".container", """
                [Container]
                Image=%s
                Network=%s
                Environment=DB_HOST=db DB_PORT=80
                Exec=/bin/sh -c 'echo "helper sees DB_HOST=$DB_HOST"; \
                  until wget -qO- "http://$DB_HOST:$DB_PORT/cgi-bin/env"; do sleep 0.2; done'
                """.formatted(image, net));

        assertThat(start(db).stateName()).isEqualTo("active/running");
        start(helper);

        UnitStatus done = awaitStatus(helper.name(), UnitStatus::isSettled);
        assertThat(done.stateName()).as("the helper ran once and exited 0").isEqualTo("inactive/dead");
        String out = journal(helper.name());
        assertThat(out).contains("helper sees DB_HOST=db")
                .as("the database's environment, served by the database, read by the helper through the alias")
                .contains("MYSQL_ROOT_PASSWORD=dh47dk504dk44dd")
                .contains("FLOTILLA_UNIT=" + db.name());
        assertThat(runtime.details(db.name()).get("Networks")).startsWith(net + " ").contains("db");
    }
}
