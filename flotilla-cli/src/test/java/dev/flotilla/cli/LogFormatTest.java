package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.flotilla.registry.MachineId;
import dev.flotilla.unit.UnitName;

/**
 * The structured log formats: one line per log line, JSON that parses (or logfmt pairs), the machine and unit
 * from the logging context or the message's arguments, secrets masked in messages and exceptions.
 */
class LogFormatTest {

    private static final String MACHINE = "2aa4e35a0123456789abcdef01234567";

    /** What {@code logging} writes through {@code layout}, line by line. */
    private static List<String> lines(LayoutBase<ILoggingEvent> layout, Consumer<LoggerContext> logging) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(context);
            encoder.setLayout(layout);
            encoder.start();
            OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
            appender.setContext(context);
            appender.setEncoder(encoder);
            appender.setOutputStream(out);
            appender.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
            logging.accept(context);
        } finally {
            context.stop();
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static void log(LoggerContext context) {
        Logger runner = context.getLogger("dev.flotilla.agent.TaskRunner");
        runner.info("starting {} ({})", new UnitName("web@01.service"), "3964cf3");
        context.getMDCAdapter().put("machine", MACHINE);
        runner.error("starting {} failed: {}", new UnitName("db.service"),
                "ExecStart=/usr/bin/docker run -e MYSQL_ROOT_PASSWORD=dh47dk504 mysql",
                new IllegalStateException("Environment=\"API_TOKEN=abc 123\" is bad"));
        context.getMDCAdapter().remove("machine");
        context.getLogger("dev.flotilla.agent.AgentLoop").info("machine {} joined", new MachineId(MACHINE));
        context.getLogger("dev.flotilla.server.ApiServer").info("Serving the API at {}", "http://127.0.0.2:7070");
    }

    @Test
    void jsonLinesParseAndNameTheirMachineAndUnit() throws Exception {
        List<String> lines = lines(new JsonLogLayout(), LogFormatTest::log);
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> parsed = lines.stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();

        assertThat(parsed.get(0).get("unit").asText()).isEqualTo("web@01.service");
        assertThat(parsed.get(0).has("machine")).isFalse();
        assertThat(parsed.get(0).get("message").asText()).isEqualTo("starting web@01.service (3964cf3)");
        assertThat(parsed.get(0).get("level").asText()).isEqualTo("INFO");
        assertThat(parsed.get(0).get("logger").asText()).isEqualTo("dev.flotilla.agent.TaskRunner");

        JsonNode failed = parsed.get(1);
        assertThat(failed.get("machine").asText()).isEqualTo(MACHINE);
        assertThat(failed.get("unit").asText()).isEqualTo("db.service");
        assertThat(failed.get("message").asText()).endsWith("MYSQL_ROOT_PASSWORD=*** mysql");
        assertThat(failed.get("error").asText()).isEqualTo("java.lang.IllegalStateException: Environment=\"API_TOKEN=***\" is bad");
        assertThat(failed.get("stack").asText()).contains("\tat dev.flotilla.cli.LogFormatTest");
        assertThat(String.join("\n", lines)).doesNotContain("dh47dk504").doesNotContain("abc 123");

        assertThat(parsed.get(2).get("machine").asText()).as("from the argument").isEqualTo(MACHINE);
        assertThat(parsed.get(3).has("unit")).isFalse();
    }

    @Test
    void logfmtLinesArePairsWithQuotedValues() {
        List<String> lines = lines(new LogfmtLayout(), LogFormatTest::log);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("time=\\S+Z level=info logger=dev\\.flotilla\\.agent\\.TaskRunner thread=\\S+ "
                + "unit=web@01\\.service msg=\"starting web@01\\.service \\(3964cf3\\)\"");
        assertThat(lines.get(1)).contains(" machine=" + MACHINE + " unit=db.service ")
                .contains(" msg=\"starting db.service failed: ExecStart=/usr/bin/docker run -e MYSQL_ROOT_PASSWORD=*** mysql\"")
                .contains(" error=\"java.lang.IllegalStateException: Environment=\\\"API_TOKEN=***\\\" is bad\"")
                .contains(" stack=\"java.lang.IllegalStateException")
                .contains("\\n\\tat dev.flotilla.cli.LogFormatTest")
                .doesNotContain("dh47dk504");
        assertThat(lines.get(2)).contains(" machine=" + MACHINE + " msg=\"machine " + MACHINE + " joined\"");
    }
}
