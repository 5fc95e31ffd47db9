package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

/**
 * The daemons' logging (the CLI's logback.xml, as packaged) masks secret-looking values in messages and in
 * the exceptions they carry.
 */
class LogRedactionTest {

    @Test
    void aLoggedCommandLineAndExceptionShowNoPassword() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogRedactionTest.class.getResource("/logback.xml"));
            context.getLogger("dev.flotilla.agent.TaskRunner").error("starting db.service failed: {}",
                    "ExecStart=/usr/bin/docker run -e MYSQL_ROOT_PASSWORD=dh47dk504 mysql",
                    new IllegalStateException("Environment=\"API_TOKEN=abc 123\" is bad"));
        } finally {
            context.stop();
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("starting db.service failed: ExecStart=/usr/bin/docker run -e MYSQL_ROOT_PASSWORD=*** mysql")
                .contains("java.lang.IllegalStateException: Environment=\"API_TOKEN=***\" is bad")
                .contains("\tat dev.flotilla.cli.LogRedactionTest")
                .doesNotContain("dh47dk504").doesNotContain("abc 123");
    }
}
