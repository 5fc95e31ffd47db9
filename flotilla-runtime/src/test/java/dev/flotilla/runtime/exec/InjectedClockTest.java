package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;

/** Deadlines and restart delays follow the runtime's clock: hour-long timeouts are tested without waiting. */
class InjectedClockTest extends ExecTestSupport {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    ExecRuntimeConfig config(ExecRuntimeConfig defaults) {
        InstantSource clock = now::get;
        return defaults.withClock(clock);
    }

    @Test
    void anHourLongStartTimeoutPassesWhenTheClockSaysSo() throws Exception {
        Path started = work.resolve("started");
        startAsync("slow.service", """
                [Service]
                TimeoutStartSec=1h
                ExecStartPre=/bin/sh -c 'touch %s; exec sleep 1000'
                ExecStart=/bin/sleep 1000
                """.formatted(started));
        await().atMost(BOUND).until(() -> Files.exists(started));
        assertThat(status("slow.service").stateName()).isEqualTo("activating/start-pre");
        assertThat(status("slow.service").since()).isEqualTo(now.get());

        now.set(now.get().plus(Duration.ofMinutes(61)));

        UnitStatus s = awaitState("slow.service", "failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("start timed out after 1h"));
        assertThat(s.since()).isEqualTo(now.get());
    }

    @Test
    void anHourLongRestartDelayPassesWhenTheClockSaysSo() throws Exception {
        Path flag = work.resolve("flag");
        start("patient.service", """
                [Service]
                Restart=on-failure
                RestartSec=1h
                ExecStart=/bin/sh -c 'if [ -e %s ]; then exec sleep 1000; fi; touch %s; exit 1'
                """.formatted(flag, flag));
        awaitState("patient.service", "activating/auto-restart");

        now.set(now.get().plus(Duration.ofHours(2)));

        await().atMost(BOUND).until(() -> status("patient.service").isRunning());
        assertThat(status("patient.service").restarts()).isEqualTo(1);
    }
}
