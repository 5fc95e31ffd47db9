package dev.flotilla.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

/**
 * {@code --log-format json}: one JSON object per log line, {@code {"time","level","logger","thread","machine",
 * "unit","message","error","stack"}}, absent fields left out; what log collectors read without a parser of their
 * own. Secret-looking values are masked ({@link LogFields}). Thread-safe.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent e) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(e.getTimeStamp()).toString());
            g.writeStringField("level", e.getLevel().toString());
            g.writeStringField("logger", e.getLoggerName());
            g.writeStringField("thread", e.getThreadName());
            field(g, "machine", LogFields.machine(e));
            field(g, "unit", LogFields.unit(e));
            g.writeStringField("message", LogFields.message(e));
            field(g, "error", LogFields.error(e));
            field(g, "stack", LogFields.stack(e));
            g.writeEndObject();
        } catch (IOException ex) {
            return "{\"message\":\"a log line could not be written as JSON\"}\n";
        }
        return out.append('\n').toString();
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
