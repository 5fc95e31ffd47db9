package dev.flotilla.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The busybox test image is built locally, once, and serves HTTP as its default command. */
class DockerImagesTest {

    @Test
    void busyboxIsImportedOnceAndServesItsPageOnAPublishedPort() throws Exception {
        String image = DockerImages.busybox();
        assertThat(DockerImages.busybox()).isSameAs(image);
        assertThat(image).startsWith("flotilla-test/busybox:");

        String name = "testkit-web-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.next();
        try {
            DockerEngine.docker("run", "-d", "--name", name, "--label", "dev.flotilla.test=testkit", "-p",
                    "127.0.0.1:" + port + ":80", image).orThrow("docker run");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                    .timeout(Duration.ofSeconds(2)).build();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                    () -> http.send(get, HttpResponse.BodyHandlers.ofString()).body().equals(DockerImages.INDEX_HTML));

            long start = System.nanoTime();
            DockerEngine.docker("stop", name).orThrow("docker stop");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("/bin/web exits on SIGTERM at once")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(DockerEngine.inspect(name, "{{.State.ExitCode}}")).isEqualTo("0");
        } finally {
            DockerEngine.docker("rm", "-f", name);
        }
    }

    @Test
    void jreRunsJavaFromItsPathWithoutTheHostsFiles() {
        String image = DockerImages.jre();
        assertThat(DockerImages.jre()).isSameAs(image);
        assertThat(image).startsWith("flotilla-test/jre:");
        DockerEngine.Result version = DockerEngine.docker("run", "--rm", "--label", "dev.flotilla.test=testkit", image,
                "sh", "-c", "java -XX:+UseSerialGC --list-modules && echo home=$JAVA_HOME");
        assertThat(version.orThrow("java in the JRE image")).contains("java.sql@", "jdk.httpserver@",
                "home=" + DockerImages.JRE_HOME).doesNotContain("java.desktop");
    }
}
