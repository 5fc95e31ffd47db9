package dev.flotilla.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard's files: found by flat name with their types; nothing else is; every file the page names exists. */
class DashboardAssetsTest {

    @Test
    void theFilesAreServedWithTheirTypes() throws Exception {
        assertThat(DashboardAssets.read("index.html")).get().extracting(DashboardAssets.Asset::contentType)
                .isEqualTo("text/html; charset=utf-8");
        assertThat(DashboardAssets.read("app.js")).get().extracting(DashboardAssets.Asset::contentType)
                .isEqualTo("text/javascript; charset=utf-8");
        assertThat(DashboardAssets.read("app.css")).get().extracting(DashboardAssets.Asset::contentType)
                .isEqualTo("text/css; charset=utf-8");
        assertThat(DashboardAssets.read("logo.svg")).get().extracting(DashboardAssets.Asset::contentType)
                .isEqualTo("image/svg+xml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nope.js", "../DashboardAssets.class", "assets/app.js", "App.js", ".hidden.js",
            "app.js.map", "index.htm", "dev/flotilla/ui/DashboardAssets.class"})
    void anythingElseIsNotFound(String name) throws Exception {
        assertThat(DashboardAssets.read(name)).isEmpty();
    }

    @Test
    void everyFileThePagesNameIsThereAndNoneComesFromAnotherHost() throws Exception {
        for (String page : new String[] {"index.html", "app.js", "api.js"}) {
            String text = new String(DashboardAssets.read(page).orElseThrow().bytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("(?:src|href)=\"/ui/([^\"]+)\"|from '\\./([^']+)'").matcher(text);
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2);
                assertThat(DashboardAssets.read(name)).as("%s names %s", page, name).isPresent();
            }
            assertThat(text).as(page).doesNotContain("http://").doesNotContain("https://").doesNotContain("style=\"");
        }
    }
}
