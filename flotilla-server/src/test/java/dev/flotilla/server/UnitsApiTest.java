package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.unit.UnitName;

/** {@code /fleet/v1/units}: shapes and status codes as fleet had them, over real HTTP. */
class UnitsApiTest extends ApiTestBase {

    static String seed(String name) throws IOException {
        try (InputStream in = UnitsApiTest.class.getResourceAsStream("/units/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void putOfANewUnitWithOptionsIs201AndGetShowsFleetsShape() {
        Http.Response put = http.put("/fleet/v1/units/hello.service?alt=json",
                optionsBody("Service", "ExecStart", "/bin/sleep 1000"));
        assertThat(put.status()).as(put.toString()).isEqualTo(201);
        assertThat(put.body()).isEmpty();

        Http.Response get = http.get("/fleet/v1/units/hello.service?alt=json");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.contentType()).startsWith("application/json");
        JsonNode unit = get.json();
        assertThat(unit.get("name").asText()).isEqualTo("hello.service");
        assertThat(unit.get("desiredState").asText()).isEqualTo("inactive");
        assertThat(unit.get("currentState").asText()).isEqualTo("inactive");
        assertThat(unit.has("machineID")).isFalse();
        assertThat(unit.get("options").toString())
                .isEqualTo("[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 1000\"}]");
        assertThat(unit.get("contents").asText()).isEqualTo("[Service]\nExecStart=/bin/sleep 1000\n");
        assertThat(unit.get("hash").asText()).hasSize(40);
    }

    @Test
    void contentsAreKeptByteForByteWithCommentsAndContinuations() throws Exception {
        String text = seed("monweb@.service");
        Http.Response put = http.put("/fleet/v1/units/monweb@.service", "{\"contents\":" + Http.quote(text) + "}");
        assertThat(put.status()).as(put.toString()).isEqualTo(201);

        JsonNode unit = http.get("/fleet/v1/units/monweb@.service").json();
        assertThat(unit.get("contents").asText()).isEqualTo(text);
        assertThat(cluster.registry.units().get(new UnitName("monweb@.service")).orElseThrow().contents()).isEqualTo(text);
        assertThat(unit.get("options").get(0).get("name").asText()).isEqualTo("Description");
    }

    @Test
    void resendingTheSameOptionsChangesNothingAndKeepsTheSubmittedText() throws Exception {
        String text = "# the comment stays\n[Service]\nExecStart=/bin/sleep 1000\n";
        assertThat(http.put("/fleet/v1/units/a.service", "{\"contents\":" + Http.quote(text) + "}").status()).isEqualTo(201);

        Http.Response again = http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/bin/sleep 1000"));
        assertThat(again.status()).as(again.toString()).isEqualTo(204);
        assertThat(cluster.registry.units().get(new UnitName("a.service")).orElseThrow().contents()).isEqualTo(text);
    }

    @Test
    void changedOptionsAre201AndKeepTheDesiredState() throws Exception {
        cluster.submit("a.service", "[Service]\nExecStart=/bin/sleep 1\n", DesiredState.LAUNCHED);

        Http.Response put = http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/bin/sleep 2"));
        assertThat(put.status()).as(put.toString()).isEqualTo(201);
        JsonNode unit = http.get("/fleet/v1/units/a.service").json();
        assertThat(unit.get("contents").asText()).isEqualTo("[Service]\nExecStart=/bin/sleep 2\n");
        assertThat(unit.get("desiredState").asText()).isEqualTo("launched");
    }

    @Test
    void changedContentsWithAStateSetBoth() {
        http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/bin/sleep 1"));
        Http.Response put = http.put("/fleet/v1/units/a.service",
                "{\"desiredState\":\"loaded\",\"contents\":\"[Service]\\nExecStart=/bin/sleep 2\\n\"}");
        assertThat(put.status()).isEqualTo(201);
        assertThat(http.get("/fleet/v1/units/a.service").json().get("desiredState").asText()).isEqualTo("loaded");
    }

    @Test
    void aStateOnlyChangeIs204() {
        http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/bin/sleep 1"));

        Http.Response put = http.put("/fleet/v1/units/a.service", "{\"name\":\"a.service\",\"desiredState\":\"launched\"}");
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        assertThat(http.get("/fleet/v1/units/a.service").json().get("desiredState").asText()).isEqualTo("launched");
    }

    @Test
    void anInvalidUnitIs400NamingLineAndReasonAndNothingIsStored() throws Exception {
        String text = "[Service]\nExecStart=/bin/true\nthis line has no equals sign\n";
        Http.Response put = http.put("/fleet/v1/units/bad.service", "{\"contents\":" + Http.quote(text) + "}");
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).startsWith("bad.service:3:");
        assertThat(cluster.registry.units().get(new UnitName("bad.service"))).isEmpty();
        assertThat(http.get("/fleet/v1/units/bad.service").status()).isEqualTo(404);
    }

    @Test
    void aRejectedXFleetCombinationIs400() {
        String text = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineID=0123456789abcdef0123456789abcdef\nGlobal=true\n";
        Http.Response put = http.put("/fleet/v1/units/bad.service", "{\"contents\":" + Http.quote(text) + "}");
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).startsWith("bad.service:").contains("MachineID");
    }

    @Test
    void invalidOptionsAre400() {
        Http.Response put = http.put("/fleet/v1/units/bad.service", optionsBody("Service", "Exec Start", "/bin/true"));
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).startsWith("bad.service:");
    }

    @Test
    void optionsThatContradictTheContentsAre400() {
        Http.Response put = http.put("/fleet/v1/units/a.service", "{\"contents\":\"[Service]\\nExecStart=/bin/a\\n\","
                + "\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/b\"}]}");
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).contains("a.service");
    }

    @Test
    void aNameMismatchIs400() {
        Http.Response put = http.put("/fleet/v1/units/a.service",
                "{\"name\":\"b.service\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}");
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).contains("a.service").contains("b.service");
    }

    @Test
    void anInvalidUnitNameIs400() {
        Http.Response put = http.put("/fleet/v1/units/a.nosuchtype", optionsBody("Service", "ExecStart", "/bin/true"));
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).contains("a.nosuchtype");
    }

    @Test
    void aBodyThatIsNotJsonIs415OrUnreadable400() {
        Http.Response text = http.put("/fleet/v1/units/a.service", "[Service]\nExecStart=/bin/true\n", "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.errorMessage()).contains("application/json");
        Http.Response none = http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/x"), null);
        assertThat(none.status()).isEqualTo(415);
        Http.Response charset = http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/x"),
                "application/json; charset=utf-8");
        assertThat(charset.status()).isEqualTo(201);
        Http.Response garbage = http.put("/fleet/v1/units/b.service", "{not json");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.errorMessage()).startsWith("unable to decode body");
    }

    @Test
    void anUnknownDesiredStateIs400() {
        Http.Response put = http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"running\","
                + "\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}");
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorMessage()).contains("running");
    }

    @Test
    void aStateChangeOfAnUnknownUnitIs404() {
        Http.Response put = http.put("/fleet/v1/units/nope.service", "{\"desiredState\":\"launched\"}");
        assertThat(put.status()).isEqualTo(404);
        assertThat(put.errorMessage()).contains("nope.service");
    }

    @Test
    void templatesStayInactive() {
        assertThat(http.put("/fleet/v1/units/web@.service", optionsBody("Service", "ExecStart", "/bin/true")).status())
                .isEqualTo(201);
        Http.Response start = http.put("/fleet/v1/units/web@.service", "{\"desiredState\":\"launched\"}");
        assertThat(start.status()).isEqualTo(400);
        assertThat(start.errorMessage()).contains("cannot activate template web@.service");
        Http.Response create = http.put("/fleet/v1/units/db@.service", "{\"desiredState\":\"loaded\","
                + "\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}");
        assertThat(create.status()).isEqualTo(400);
        assertThat(http.get("/fleet/v1/units/db@.service").status()).isEqualTo(404);
    }

    @Test
    void getOfAnUnknownUnitIs404WithFleetsErrorBody() {
        Http.Response get = http.get("/fleet/v1/units/nope.service?alt=json");
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.contentType()).startsWith("application/json");
        assertThat(get.errorMessage()).isEqualTo("unit nope.service does not exist");
    }

    @Test
    void deleteIs204ThenTheUnitIsGoneAndASecondDeleteIs404() {
        http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/bin/true"));
        assertThat(http.delete("/fleet/v1/units/a.service?alt=json").status()).isEqualTo(204);
        assertThat(http.get("/fleet/v1/units/a.service").status()).isEqualTo(404);
        Http.Response again = http.delete("/fleet/v1/units/a.service");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorMessage()).contains("a.service");
    }

    @Test
    void unitNamesWithEscapesRoundTripThroughThePath() {
        Http.Response put = http.put("/fleet/v1/units/mnt-data%5Cx2dlog.service",
                optionsBody("Service", "ExecStart", "/bin/true"));
        assertThat(put.status()).as(put.toString()).isEqualTo(201);
        assertThat(http.get("/fleet/v1/units").json().get("units").get(0).get("name").asText())
                .isEqualTo("mnt-data\\x2dlog.service");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String huge = "x".repeat(ApiSettings.DEFAULT_MAX_BODY_BYTES + 10);
        Http.Response put = http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", huge));
        assertThat(put.status()).isEqualTo(413);
        assertThat(put.errorMessage()).contains("bytes");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        byte[] huge = optionsBody("Service", "ExecStart", "x".repeat(ApiSettings.DEFAULT_MAX_BODY_BYTES))
                .getBytes(StandardCharsets.UTF_8);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(server.url() + "/fleet/v1/units/a.service"))
                    .header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("\"code\":413");
        }
        assertThat(cluster.registry.units().get(new UnitName("a.service"))).isEmpty();
    }

    @Test
    void aUnitFileOverTheRegistrysLimitIs413() {
        String big = "[Service]\nExecStart=/bin/true\n" + ("# " + "y".repeat(98) + "\n").repeat(11_000);
        Http.Response put = http.put("/fleet/v1/units/a.service", "{\"contents\":" + Http.quote(big) + "}");
        assertThat(put.status()).isEqualTo(413);
        assertThat(put.errorMessage()).contains("a.service");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405InFleetsErrorShape() {
        Http.Response path = http.get("/fleet/v1/nothing");
        assertThat(path.status()).isEqualTo(404);
        assertThat(path.errorMessage()).contains("/fleet/v1/nothing");
        Http.Response method = http.delete("/fleet/v1/units");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.errorMessage()).contains("DELETE");
    }
}
