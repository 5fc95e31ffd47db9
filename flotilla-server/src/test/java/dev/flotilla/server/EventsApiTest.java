package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.registry.UnschedulableRecord.Reason;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * {@code GET /v1/events} over real HTTP, with the engine's and the agents' writes played through the registry:
 * what each change reads as, in order, with filters, resuming after an ID, and reading what is kept.
 */
class EventsApiTest extends ApiTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PLAIN = "[Service]\nExecStart=/bin/sleep 1000\n";

    private final MachineId m1 = Cluster.id('1');
    private final MachineId m2 = Cluster.id('2');

    private SseClient events(String query) {
        SseClient stream = SseClient.open(server.url(), "/v1/events" + query, Map.of());
        assertThat(stream.status()).as(stream.errorBody()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        return stream;
    }

    /** Waits until the server's events log has read the registry (it starts in the background). */
    private void awaitWatching() throws Exception {
        try (SseClient probe = events("?type=machine-joined")) {
            cluster.machine(Cluster.id('f'), "10.0.0.15", Map.of());
            probe.until("machine-joined", null, WAIT);
        }
    }

    @Test
    void aUnitsLifeReadsAsItsDecisionsAndStatesInOrder() throws Exception {
        awaitWatching();
        try (SseClient stream = events("")) {
            cluster.machine(m1, "10.0.0.1", Map.of("region", "us"));
            cluster.machine(m2, "10.0.0.2", Map.of());
            cluster.submit("web@01.service", PLAIN, DesiredState.INACTIVE);
            cluster.registry.units().setDesiredState(new UnitName("web@01.service"), DesiredState.LAUNCHED);
            cluster.place("web@01.service", m1);
            cluster.publish("web@01.service", m1, "loaded", "active", "running");
            cluster.move("web@01.service", m2, "machine 11111111 is gone");
            cluster.unschedulable("web@01.service", Reason.on(m1, "conflicts with db.service"),
                    Reason.on(m2, "metadata region=us does not match"));
            cluster.registry.units().destroy(new UnitName("web@01.service"));

            List<SseClient.Frame> seen = stream.until("destroyed", "web@01.service", WAIT);
            List<String> lines = seen.stream().filter(f -> !f.type().equals("machine-joined") || f.field("ip") != null)
                    .map(f -> f.type() + " " + (f.unit() == null ? "" : f.unit() + " ")
                            + (f.data().has("machine") ? f.data().get("machine").asText().substring(0, 8) : "-")
                            + " " + f.data().get("fields"))
                    .toList();
            assertThat(lines).containsExactly(
                    "machine-joined 11111111 {\"ip\":\"10.0.0.1\",\"hostname\":\"host-11111111\",\"metadata\":\"region=us\"}",
                    "machine-joined 22222222 {\"ip\":\"10.0.0.2\",\"hostname\":\"host-22222222\"}",
                    "submitted web@01.service - {\"desiredState\":\"inactive\",\"hash\":\"" + ContentHash.of(PLAIN).hex() + "\"}",
                    "desired web@01.service - {\"desiredState\":\"launched\",\"previous\":\"inactive\"}",
                    "assigned web@01.service 11111111 {\"ip\":\"10.0.0.1\",\"reason\":\"least loaded\"}",
                    "state web@01.service 11111111 {\"ip\":\"10.0.0.1\",\"load\":\"loaded\",\"active\":\"active\",\"sub\":"
                            + "\"running\",\"hash\":\"" + ContentHash.of(PLAIN).hex() + "\",\"since\":\"2025-01-01T00:00:00Z\"}",
                    "moved web@01.service 22222222 {\"ip\":\"10.0.0.2\",\"from\":\"" + m1 + "\",\"fromIp\":\"10.0.0.1\","
                            + "\"reason\":\"machine 11111111 is gone\"}",
                    "unassigned web@01.service 22222222 {\"ip\":\"10.0.0.2\",\"reason\":\"it fits on no machine now\"}",
                    "unschedulable web@01.service - {\"reasons\":\"11111111: conflicts with db.service; 22222222: "
                            + "metadata region=us does not match\"}",
                    "state-removed web@01.service 11111111 {\"ip\":\"10.0.0.1\"}",
                    "destroyed web@01.service - {}");
            // IDs are REVISION-INDEX, increasing; the frame's id and event lines agree with the data.
            for (int i = 0; i < seen.size(); i++) {
                SseClient.Frame f = seen.get(i);
                assertThat(f.id()).matches("\\d+-\\d+").isEqualTo(f.data().get("id").asText());
                assertThat(f.event()).isEqualTo(f.type());
                assertThat(Instant.parse(f.data().get("time").asText())).isNotNull();
                if (i > 0) {
                    assertThat(ClusterEvents.Position.parse(f.id()))
                            .isGreaterThan(ClusterEvents.Position.parse(seen.get(i - 1).id()));
                }
            }
        }
    }

    @Test
    void aMachineThatLeavesTakesItsStatesAndTheLeadershipWithIt() throws Exception {
        awaitWatching();
        try (SseClient stream = events("?machine=11111111")) {
            cluster.machine(m1, "10.0.0.1", Map.of());
            cluster.machine(m2, "10.0.0.2", Map.of());
            cluster.submit("db.service", PLAIN, DesiredState.LAUNCHED);
            cluster.place("db.service", m1);
            cluster.publish("db.service", m1, "loaded", "active", "running");
            cluster.lead(m1);
            cluster.leave(m1);

            List<String> seen = stream.until("state-removed", "db.service", WAIT).stream()
                    .map(f -> f.type() + " " + f.data().get("machine").asText().substring(0, 8) + " " + f.field("ip"))
                    .toList();
            // The lease's keys go in one revision: the machine, its states and the leadership, in that order.
            assertThat(seen).containsExactly("machine-joined 11111111 10.0.0.1", "assigned 11111111 10.0.0.1",
                    "state 11111111 10.0.0.1", "leader-elected 11111111 10.0.0.1", "machine-left 11111111 10.0.0.1",
                    "leader-gone 11111111 10.0.0.1", "state-removed 11111111 10.0.0.1");
        }
    }

    @Test
    void filtersPickUnitsByNameOrGlobTypesAndMachines() throws Exception {
        awaitWatching();
        cluster.machine(m1, "10.0.0.1", Map.of());
        try (SseClient web = events("?unit=web@*.service&type=assigned,state");
                SseClient db = events("?unit=db.service")) {
            cluster.submit("db.service", PLAIN, DesiredState.LAUNCHED);
            cluster.submit("web@1.service", PLAIN, DesiredState.LAUNCHED);
            cluster.place("db.service", m1);
            cluster.place("web@1.service", m1);
            cluster.publish("web@1.service", m1, "loaded", "active", "running");
            cluster.publish("db.service", m1, "loaded", "failed", "failed");

            assertThat(web.until("state", "web@1.service", WAIT)).extracting(f -> f.type() + " " + f.unit())
                    .containsExactly("assigned web@1.service", "state web@1.service");
            assertThat(db.until("state", "db.service", WAIT)).extracting(f -> f.type() + " " + f.unit())
                    .containsExactly("submitted db.service", "assigned db.service", "state db.service");
            assertThat(web.next(Duration.ofMillis(300))).as("db's state is not web's").isNull();
        }
        Http.Response badType = http.get("/v1/events?type=nope");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.errorMessage()).startsWith("type \"nope\" is not an event type; known: assigned, desired");
        assertThat(http.get("/v1/events?machine=xyz").status()).isEqualTo(400);
        assertThat(http.get("/v1/events?last=-1").status()).isEqualTo(400);
        assertThat(http.get("/v1/events?follow=maybe").status()).isEqualTo(400);
    }

    @Test
    void aClientResumesAfterItsLastEventIdAndIsToldWhenEventsAreLost() throws Exception {
        awaitWatching();
        String lastSeen;
        try (SseClient first = events("?unit=a.service")) {
            cluster.submit("a.service", PLAIN, DesiredState.LAUNCHED);
            lastSeen = first.until("submitted", "a.service", WAIT).getLast().id();
        }
        cluster.machine(m1, "10.0.0.1", Map.of());
        cluster.place("a.service", m1);
        cluster.publish("a.service", m1, "loaded", "active", "running");
        try (SseClient resumed = SseClient.open(server.url(), "/v1/events?unit=a.service",
                Map.of("Last-Event-ID", lastSeen))) {
            assertThat(resumed.until("state", "a.service", WAIT)).extracting(SseClient.Frame::type)
                    .containsExactly("assigned", "state");
        }
        try (SseClient ancient = events("?unit=a.service&lastEventId=1-0")) {
            SseClient.Frame gap = ancient.next(WAIT);
            assertThat(gap.type()).isEqualTo("gap");
            assertThat(gap.id()).isNull();
            assertThat(gap.field("after")).isEqualTo("1-0");
            assertThat(gap.field("message")).contains("no longer keeps every event after 1-0");
        }
        assertThat(http.get("/v1/events?lastEventId=yesterday").status()).isEqualTo(400);
    }

    @Test
    void withoutFollowTheKeptEventsAreAnsweredAndTheResponseEnds() throws Exception {
        awaitWatching();
        try (SseClient stream = events("?unit=b.service")) {
            cluster.submit("b.service", PLAIN, DesiredState.LAUNCHED);
            cluster.machine(m1, "10.0.0.1", Map.of());
            cluster.place("b.service", m1);
            stream.until("assigned", "b.service", WAIT);
        }
        try (SseClient recent = events("?unit=b.service&follow=false&last=1")) {
            assertThat(recent.all(WAIT)).extracting(SseClient.Frame::type).containsExactly("assigned");
        }
        try (SseClient all = events("?unit=b.service&follow=false&last=1000")) {
            assertThat(all.all(WAIT)).extracting(SseClient.Frame::type).containsExactly("submitted", "assigned");
        }
    }

    @Test
    void secretsInStateReasonsAreMasked() throws Exception {
        awaitWatching();
        cluster.machine(m1, "10.0.0.1", Map.of());
        cluster.submit("db.service", PLAIN, DesiredState.LAUNCHED);
        try (SseClient stream = events("?type=state")) {
            long lease = cluster.store.grantLease(Duration.ofSeconds(60)).id();
            try {
                cluster.registry.states().publish(new UnitStateRecord(new UnitName("db.service"), ContentHash.of(PLAIN), m1,
                        "loaded", "failed", "failed", OptionalLong.empty(), Instant.parse("2025-01-01T00:00:00Z"),
                        Optional.of("ExecStart=docker run -e MYSQL_ROOT_PASSWORD=dh47dk504 mysql exited 1")), lease);
                SseClient.Frame state = stream.until("state", "db.service", WAIT).getLast();
                assertThat(state.field("reason")).isEqualTo("ExecStart=docker run -e MYSQL_ROOT_PASSWORD=*** mysql exited 1");
                assertThat(state.data().toString()).doesNotContain("dh47dk504");
            } finally {
                cluster.store.revokeLease(lease);
            }
        }
    }
}
