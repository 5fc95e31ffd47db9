package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;

/**
 * The seed's mondb.service as the tutorial writes it (a multi-line {@code bash -c '\} loop reading
 * /etc/environment and COREOS_PRIVATE_IPV4), with etcdctl swapped for echo and a shorter sleep.
 */
class SeedUnitTest extends ExecTestSupport {

    private static final String MONDB = """
            [Unit]
            Description=Publishes the db address in etcd
            Requires=etcd.service
            Requires=db.service
            BindsTo=db.service

            [Service]
            EnvironmentFile=/etc/environment

            ExecStart=/bin/bash -c '\\
              while true; do \\
            	  echo etcdctl set /services/db/private_ip \\'{"host": \\"${COREOS_PRIVATE_IPV4}\\"}\\' --ttl 30; \\
                  sleep 0.1; \\
              done'

            # Stop
            ExecStop=/bin/echo etcdctl rm /services/db/private_ip

            [X-Fleet]
            # Schedule on the machine that runs db.service
            X-ConditionMachineOf=db.service
            """;

    @Test
    void mondbRunsItsLoopWithTheMachinesPrivateAddress() throws Exception {
        UnitStatus s = start("mondb.service", MONDB);
        assertThat(s.stateName()).isEqualTo("active/running");

        String line = "etcdctl set /services/db/private_ip {\"host\": \"192.168.7.8\"} --ttl 30";
        await().atMost(BOUND).until(() -> journal("mondb.service").split(java.util.regex.Pattern.quote(line), -1).length > 3);

        assertThat(stop("mondb.service").stateName()).isEqualTo("inactive/dead");
        assertThat(journal("mondb.service")).contains("etcdctl rm /services/db/private_ip");
    }
}
