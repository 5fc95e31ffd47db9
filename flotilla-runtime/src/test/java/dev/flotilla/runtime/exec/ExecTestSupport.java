package dev.flotilla.runtime.exec;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.TestWork;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * A fresh exec runtime per test over its own state directory, plus helpers to start units from
 * {@code [Service]} text and read what they did. Every unit is stopped after the test.
 */
abstract class ExecTestSupport {

    static final Duration BOUND = Duration.ofSeconds(20);
    static final MachineFacts MACHINE = MachineFacts.of("4c1d2f0c9a8b7e6d5c4b3a2918273645", "exec-host",
            "b00710b00710b00710b00710b00710b0").withPublicIp("10.1.2.3").withPrivateIp("192.168.7.8");

    Path work;
    ExecRuntime runtime;
    final List<UnitStatus> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openRuntime(TestInfo info) throws Exception {
        work = TestWork.dir(getClass().getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName());
        runtime = ExecRuntime.open(config(ExecRuntimeConfig.of(work.resolve("state"))));
        runtime.subscribe(events::add);
        runtime.adopt();
    }

    /** Lets a test class change the configuration. */
    ExecRuntimeConfig config(ExecRuntimeConfig defaults) {
        return defaults;
    }

    @AfterEach
    void closeRuntime() throws Exception {
        try {
            for (UnitStatus s : runtime.statuses()) {
                runtime.stop(s.unit()).toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            runtime.close();
        }
    }

    static UnitDefinition unit(String name, String text) {
        return UnitDefinition.parse(UnitName.parse(name), text);
    }

    /** Starts {@code name} with the given unit text and waits for the start job. */
    UnitStatus start(String name, String text) throws Exception {
        return get(runtime.start(new StartRequest(unit(name, text), MACHINE, Map.of())));
    }

    /** Starts without waiting. */
    CompletionStage<UnitStatus> startAsync(String name, String text) throws UnitOperationException {
        return runtime.start(new StartRequest(unit(name, text), MACHINE, Map.of()));
    }

    UnitStatus stop(String name) throws Exception {
        return get(runtime.stop(UnitName.parse(name)));
    }

    static UnitStatus get(CompletionStage<UnitStatus> stage) throws Exception {
        return stage.toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    UnitStatus status(String name) {
        return runtime.status(UnitName.parse(name)).orElseThrow();
    }

    /** Waits until the unit is in {@code state} (e.g. {@code failed/failed}) and returns its status. */
    UnitStatus awaitState(String name, String state) {
        await().atMost(BOUND).until(() -> status(name).stateName().equals(state));
        return status(name);
    }

    /** The unit's journal messages, one per line. */
    String journal(String name) throws UnitOperationException {
        StringBuilder b = new StringBuilder();
        for (JournalEntry e : runtime.journal(UnitName.parse(name), 100_000)) {
            b.append(e.message()).append('\n');
        }
        return b.toString();
    }

    /** Waits until the journal contains {@code text}; returns the whole journal. */
    String awaitJournal(String name, String text) throws UnitOperationException {
        await().atMost(BOUND).until(() -> journal(name).contains(text));
        return journal(name);
    }

    /** The states the unit went through, as {@code active/sub}. */
    List<String> states(String name) {
        UnitName n = UnitName.parse(name);
        return events.stream().filter(e -> e.unit().equals(n)).map(UnitStatus::stateName).distinct().toList();
    }
}
