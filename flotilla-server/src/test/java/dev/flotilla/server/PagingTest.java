package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;

/** fleet's paging ({@code nextPageToken}) on every list, with a small page size. */
class PagingTest extends ApiTestBase {

    private static final int PAGE = 7;

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withPageSize(PAGE);
    }

    /** Follows the tokens of {@code path} and returns the names under {@code field} of every page, page by page. */
    private List<List<String>> pages(String path, String items, String field) {
        List<List<String>> pages = new ArrayList<>();
        String token = null;
        do {
            Http.Response r = http.get(path + (path.contains("?") ? "&" : "?") + "alt=json"
                    + (token == null ? "" : "&nextPageToken=" + token));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode body = r.json();
            List<String> names = new ArrayList<>();
            body.path(items).forEach(n -> names.add(n.get(field).asText()));
            pages.add(names);
            token = body.has("nextPageToken") ? body.get("nextPageToken").asText() : null;
        } while (token != null);
        return pages;
    }

    @Test
    void unitsComeSortedInPagesAndTheLastPageHasNoToken() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String name = String.format("web@%02d.service", i);
            cluster.submit(name, "[Service]\nExecStart=/bin/true\n", DesiredState.INACTIVE);
            expected.add(name);
        }
        cluster.submit("a.service", "[Service]\nExecStart=/bin/true\n", DesiredState.INACTIVE);
        expected.addFirst("a.service");

        List<List<String>> pages = pages("/fleet/v1/units", "units", "name");
        assertThat(pages).hasSize(3);
        assertThat(pages.get(0)).hasSize(PAGE);
        assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(expected);
    }

    @Test
    void anEmptyListIsOnePageWithoutToken() {
        Http.Response r = http.get("/fleet/v1/units");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"units\":[]}");
    }

    @Test
    void aTokenStillWorksAfterUnitsBeforeItAreDestroyed() throws Exception {
        for (int i = 1; i <= 10; i++) {
            cluster.submit(String.format("u%02d.service", i), "[Service]\nExecStart=/bin/true\n", DesiredState.INACTIVE);
        }
        String token = http.get("/fleet/v1/units").json().get("nextPageToken").asText();
        http.delete("/fleet/v1/units/u01.service");
        http.delete("/fleet/v1/units/u02.service");

        JsonNode second = http.get("/fleet/v1/units?nextPageToken=" + token).json();
        assertThat(second.get("units").get(0).get("name").asText()).isEqualTo("u08.service");
    }

    @Test
    void aMalformedOrRepeatedTokenIs400() {
        Http.Response bad = http.get("/fleet/v1/units?nextPageToken=%21%21");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).isEqualTo("invalid value of nextPageToken query parameter");
        Http.Response twice = http.get("/fleet/v1/units?nextPageToken=a&nextPageToken=b");
        assertThat(twice.status()).isEqualTo(400);
    }

    @Test
    void statesAndMachinesArePagedToo() throws Exception {
        List<String> machines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MachineId id = Cluster.id(Character.forDigit(i, 16));
            cluster.machine(id, "10.0.0." + (i + 1), Map.of());
            machines.add(id.value());
        }
        cluster.submit("g.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n", DesiredState.LAUNCHED);
        for (int i = 0; i < 10; i++) {
            cluster.publish("g.service", Cluster.id(Character.forDigit(i, 16)), "loaded", "active", "running");
        }

        List<List<String>> machinePages = pages("/fleet/v1/machines", "machines", "id");
        assertThat(machinePages).hasSize(2);
        assertThat(machinePages.stream().flatMap(List::stream).toList()).isEqualTo(machines);
        List<List<String>> statePages = pages("/fleet/v1/state?unitName=g.service", "states", "machineID");
        assertThat(statePages).hasSize(2);
        assertThat(statePages.stream().flatMap(List::stream).toList()).isEqualTo(machines);
    }
}
