package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla dev --log-format json} (and {@code $FLOTILLA_LOG_FORMAT=logfmt}) as a user runs it: every line on
 * stderr is one JSON object (or logfmt line), and the lines about a unit name it and the machine that acts on it.
 */
class StructuredLogsIT {

    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (https?://\\S+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String endpoint(CliProcess.Running dev, int machines) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(dev.isAlive()).as("dev mode runs; stderr: %s", dev.errSoFar()).isTrue();
            return API_LINE.matcher(dev.outSoFar()).results().count() >= machines;
        });
        Matcher m = API_LINE.matcher(dev.outSoFar());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<JsonNode> json(String err) {
        return err.lines().map(line -> {
            try {
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                return node;
            } catch (Exception e) {
                throw new AssertionError("a log line that is not JSON: " + line, e);
            }
        }).toList();
    }

    @Test
    void jsonLogLinesParseAndNameTheUnitAndTheMachine() throws Exception {
        Path dir = WorkDirs.create("json-logs");
        Files.writeString(dir.resolve("logged.service"), "[Service]\nExecStart=/bin/sleep 4747\n");
        CliProcess.Running dev = CliProcess.start(CliProcess.Options.defaults().in(dir)
                        .env(Map.of("FLOTILLA_LOG_LEVEL", "INFO")),
                "dev", "--machines", "2", "--api-port", "0", "--data-dir", dir.resolve("data").toString(),
                "--log-format", "json");
        try {
            String endpoint = endpoint(dev, 2);
            CliProcess.Result start = CliProcess.run(CliProcess.Options.defaults().in(dir)
                    .env(Map.of("FLOTILLA_ENDPOINT", endpoint)), "start", "logged.service");
            assertThat(start.exitCode()).as(start.toString()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> json(dev.errSoFar()).stream()
                    .anyMatch(l -> l.path("unit").asText().equals("logged.service") && l.has("machine")));
            List<JsonNode> lines = json(dev.errSoFar());
            JsonNode starting = lines.stream().filter(l -> l.path("message").asText().startsWith("starting logged.service"))
                    .findFirst().orElseThrow(() -> new AssertionError("no 'starting' line: " + lines));
            assertThat(starting.get("unit").asText()).isEqualTo("logged.service");
            assertThat(starting.get("machine").asText()).matches("[0-9a-f]{32}");
            assertThat(starting.get("level").asText()).isEqualTo("INFO");
            assertThat(starting.get("time").asText()).endsWith("Z");
            assertThat(lines).allSatisfy(l -> assertThat(l.has("message")).isTrue());
        } finally {
            dev.terminate();
            dev.await();
        }
    }

    @Test
    void theFormatComesFromTheEnvironmentAndABadOneIsRefused() {
        Path dir = WorkDirs.create("logfmt-logs");
        CliProcess.Running dev = CliProcess.start(CliProcess.Options.defaults().in(dir)
                        .env(Map.of("FLOTILLA_LOG_LEVEL", "INFO", "FLOTILLA_LOG_FORMAT", "logfmt")),
                "dev", "--machines", "1", "--api-port", "0", "--data-dir", dir.resolve("data").toString());
        try {
            endpoint(dev, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> dev.errSoFar().lines()
                    .anyMatch(l -> l.contains(" msg=\"machine ") && l.contains(" joined on lease ")));
            Optional<String> joined = dev.errSoFar().lines().filter(l -> l.contains(" joined on lease ")).findFirst();
            assertThat(joined).hasValueSatisfying(l -> assertThat(l)
                    .matches("time=\\S+ level=info logger=dev\\.flotilla\\.agent\\.AgentLoop thread=\\S+ "
                            + "machine=[0-9a-f]{32} msg=\".*\""));
            assertThat(dev.errSoFar().lines()).allMatch(l -> l.startsWith("time="));
        } finally {
            dev.terminate();
            dev.await();
        }
        CliProcess.Result bad = CliProcess.run(CliProcess.Options.defaults().in(dir), "dev", "--log-format", "xml",
                "--data-dir", dir.resolve("bad").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("flotilla dev: --log-format must be text, logfmt or json; got 'xml'\n");
    }
}
