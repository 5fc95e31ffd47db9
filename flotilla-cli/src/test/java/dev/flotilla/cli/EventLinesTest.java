package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.ClusterEvent;

/** How {@code flotilla events} prints service endpoint events. */
class EventLinesTest {

    private static final String MACHINE = "2aa4e35a0123456789abcdef01234567";

    private static ClusterEvent endpoint(String... pairs) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("ip", "127.0.0.2");
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put(pairs[i], pairs[i + 1]);
        }
        return new ClusterEvent("7-0", "2026-11-25T20:00:01.250Z", ClusterEvent.ENDPOINT, "web@01.service", MACHINE, fields);
    }

    @Test
    void anEndpointsRegistrationHealthChangeAndDeregistrationReadAsOneLineEach() {
        assertThat(EventLines.format(endpoint("change", "registered", "service", "web", "address", "127.0.0.2", "port",
                "18001", "health", "critical", "output", "not checked yet"), false))
                .isEqualTo("2026-11-25T20:00:01Z web@01.service on 2aa4e35a.../127.0.0.2: service web registered at "
                        + "127.0.0.2:18001, critical: not checked yet");
        assertThat(EventLines.format(endpoint("change", "health-changed", "service", "web", "address", "127.0.0.2", "port",
                "18001", "health", "passing", "previous", "critical", "output", "HTTP 200 in 3 ms"), false))
                .isEqualTo("2026-11-25T20:00:01Z web@01.service on 2aa4e35a.../127.0.0.2: service web passing "
                        + "(was critical): HTTP 200 in 3 ms");
        assertThat(EventLines.format(endpoint("change", "deregistered", "service", "web"), true))
                .isEqualTo("2026-11-25T20:00:01Z web@01.service on " + MACHINE + "/127.0.0.2: service web deregistered");
    }
}
