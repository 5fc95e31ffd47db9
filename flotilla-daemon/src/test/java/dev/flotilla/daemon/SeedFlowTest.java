package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;

/**
 * The tutorial's fleet services on four machines, with processes standing in for its containers:
 * db, dbhelper and mondb together (X-ConditionMachineOf=db.service), ten web instances spread over
 * the machines, and each monweb@NN beside its web@NN (X-ConditionMachineOf=web@%i.service).
 */
class SeedFlowTest extends DevClusterTestBase {

    private static final String DB = """
            [Unit]
            Description=DB service
            Requires=etcd.service

            [Service]
            EnvironmentFile=/etc/environment
            TimeoutStartSec=0
            ExecStart=/bin/sh -c 'echo mysqld: ready for connections on ${COREOS_PRIVATE_IPV4}:3306; exec sleep 100000'
            Restart=always
            """;

    private static final String DBHELPER = """
            [Unit]
            Description=DB Helper service
            Requires=db.service
            After=db.service

            [Service]
            Type=oneshot
            RemainAfterExit=yes
            ExecStart=/bin/sh -c 'echo Creating the world database; echo Counting rows in world.city; echo 4079'

            [X-Fleet]
            X-ConditionMachineOf=db.service
            """;

    private static final String MONDB = """
            [Unit]
            Description=Monitors the db service
            Requires=db.service

            [Service]
            EnvironmentFile=/etc/environment
            ExecStart=/bin/bash -c '\\
              while true; do \\
                echo set /services/db/private_ipv4_addr "${COREOS_PRIVATE_IPV4}"; \\
                sleep 10; \\
              done'

            [X-Fleet]
            X-ConditionMachineOf=db.service
            """;

    private static final String WEB = """
            [Unit]
            Description=Web
            After=docker.service
            Requires=docker.service

            [Service]
            EnvironmentFile=/etc/environment
            TimeoutStartSec=0
            ExecStart=/bin/sh -c 'echo web-%i serving on ${COREOS_PUBLIC_IPV4}:180%i; exec sleep 100000'
            Restart=always
            """;

    private static final String MONWEB = """
            [Unit]
            Description=Monitors web services
            Requires=etcd.service
            Requires=web@%i.service
            BindsTo=web@%i.service

            [Service]
            EnvironmentFile=/etc/environment
            ExecStart=/bin/bash -c '\\
              while true; do \\
                echo set /services/web/web%i/host "%H"; \\
                echo set /services/web/web%i/port "180%i"; \\
                sleep 10; \\
              done'

            [X-Fleet]
            X-ConditionMachineOf=web@%i.service
            """;

    private Map<String, UnitState> activeStates() throws Exception {
        return states(s -> "active".equals(s.systemdActiveState()));
    }

    @Test
    void theTutorialsServicesRunWhereTheirConstraintsPutThem() throws Exception {
        launch("db.service", DB);
        launch("dbhelper.service", DBHELPER);
        launch("mondb.service", MONDB);
        for (int i = 1; i <= 10; i++) {
            String instance = String.format("%02d", i);
            launch("web@" + instance + ".service", WEB);
            launch("monweb@" + instance + ".service", MONWEB);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> activeStates().size() == 23);

        Map<String, UnitState> states = activeStates();
        String dbMachine = states.get("db.service").machineID();
        assertThat(states.get("dbhelper.service").machineID()).isEqualTo(dbMachine);
        assertThat(states.get("dbhelper.service").systemdSubState()).isEqualTo("exited");
        assertThat(states.get("mondb.service").machineID()).isEqualTo(dbMachine);
        for (int i = 1; i <= 10; i++) {
            String instance = String.format("%02d", i);
            assertThat(states.get("monweb@" + instance + ".service").machineID())
                    .as("monweb@%s beside web@%s", instance, instance)
                    .isEqualTo(states.get("web@" + instance + ".service").machineID());
        }
        long machinesWithWeb = states.values().stream().filter(s -> s.name().startsWith("web@"))
                .map(UnitState::machineID).distinct().count();
        assertThat(machinesWithWeb).as("the web tier spreads over every machine").isEqualTo(4);
    }
}
