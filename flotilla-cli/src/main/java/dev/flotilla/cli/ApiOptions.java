package dev.flotilla.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import dev.flotilla.api.ApiToken;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.TlsFiles;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the fleet commands find the API, as fleetctl's {@code --endpoint} did: the flag (after the command,
 * or before it: {@code flotilla --endpoint URL list-units}), else {@code $FLOTILLA_ENDPOINT}, else
 * {@code $FLEETCTL_ENDPOINT}, else {@value #DEFAULT_ENDPOINT}. With it, the token and TLS files
 * ({@link AccessOptions}).
 */
final class ApiOptions {

    /** Where an agent serves the API by default on a machine (never etcd's ports). */
    static final String DEFAULT_ENDPOINT = "http://127.0.0.1:7070";
    /** How long one request may take, in seconds, unless {@code --request-timeout} says otherwise. */
    static final double DEFAULT_TIMEOUT_SECONDS = 10;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The API of any agent of the cluster (default: $FLOTILLA_ENDPOINT, else $FLEETCTL_ENDPOINT, "
                    + "else " + DEFAULT_ENDPOINT + ").")
    String endpoint;

    @Option(names = "--request-timeout", paramLabel = "SECONDS",
            description = "Give up on a single request after this many seconds (default: 10).")
    Double requestTimeout;

    @Mixin
    AccessOptions access;

    /** Whether {@code --endpoint} was given, after the command or before it (the environment does not count). */
    boolean endpointGiven() {
        Main top = mixee.root().userObject() instanceof Main m ? m : null;
        return endpoint != null || top != null && top.endpoint != null;
    }

    /** A client of the endpoint these options (or the top-level ones, or the environment) name. */
    FleetClient client() {
        Main top = mixee.root().userObject() instanceof Main m ? m : null;
        String url = firstOf(endpoint, top == null ? null : top.endpoint, System.getenv("FLOTILLA_ENDPOINT"),
                System.getenv("FLEETCTL_ENDPOINT"), DEFAULT_ENDPOINT);
        double seconds = requestTimeout != null ? requestTimeout
                : top != null && top.requestTimeout != null ? top.requestTimeout : DEFAULT_TIMEOUT_SECONDS;
        if (!(seconds > 0) || seconds > 3600) {
            throw new CliException(ExitCodes.USAGE, "--request-timeout must be between 0 and 3600 seconds; got " + seconds);
        }
        URI uri = endpoint(url, mixee.commandLine().getErr());
        FleetClient client = new FleetClient(uri, Duration.ofMillis(Math.round(seconds * 1000)));
        AccessOptions global = top == null ? new AccessOptions() : top.access;
        client = withToken(client, firstPresent(access.tokenFile, global.tokenFile));
        return withTls(client, uri, global);
    }

    /**
     * {@code client} sending the token of {@code --token-file}, else {@code $FLOTILLA_TOKEN}, else
     * {@code ~/.flotilla/token} when it exists; unchanged when there is none.
     */
    private static FleetClient withToken(FleetClient client, Path file) {
        try {
            if (file != null) {
                return client.withToken(ApiToken.read(file), "the file " + file);
            }
            String env = System.getenv("FLOTILLA_TOKEN");
            if (env != null) {
                return client.withToken(ApiToken.of(env, "$FLOTILLA_TOKEN"), "$FLOTILLA_TOKEN");
            }
            if (AccessOptions.hasDefaultTokenFile()) {
                Path standard = AccessOptions.defaultTokenFile();
                return client.withToken(ApiToken.read(standard), "the file " + standard);
            }
            return client;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /**
     * {@code client} checking an https endpoint against {@code --ca-file} and presenting {@code --cert-file} and
     * {@code --key-file} (each from the flag, else the environment). The flags with an http endpoint are a
     * mistake; variables from the environment are then ignored.
     */
    private FleetClient withTls(FleetClient client, URI uri, AccessOptions global) {
        Path ca = firstPresent(access.caFile, global.caFile);
        Path cert = firstPresent(access.certFile, global.certFile);
        Path key = firstPresent(access.keyFile, global.keyFile);
        if (!"https".equals(uri.getScheme())) {
            if (ca != null || cert != null || key != null) {
                throw new CliException(ExitCodes.USAGE, (ca != null ? "--ca-file" : cert != null ? "--cert-file" : "--key-file")
                        + " needs an https:// endpoint; " + uri + " is plain HTTP");
            }
            return client;
        }
        ca = firstPresent(ca, envPath("FLOTILLA_CA_FILE"), envPath("FLEETCTL_CA_FILE"));
        cert = firstPresent(cert, envPath("FLOTILLA_CERT_FILE"), envPath("FLEETCTL_CERT_FILE"));
        key = firstPresent(key, envPath("FLOTILLA_KEY_FILE"), envPath("FLEETCTL_KEY_FILE"));
        if ((cert == null) != (key == null)) {
            throw new CliException(ExitCodes.USAGE, cert == null ? "--key-file needs --cert-file (the client certificate)"
                    : "--cert-file needs --key-file (the client certificate's key)");
        }
        if (ca == null && cert == null) {
            return client;
        }
        try {
            return client.withTls(TlsFiles.context(cert, key, ca));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static Path envPath(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    @SafeVarargs
    private static <T> T firstPresent(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /**
     * The URL of {@code raw}: the first of a comma-separated list (as fleetctl, with a warning), checked to be
     * an http(s) URL that is not etcd's.
     */
    static URI endpoint(String raw, PrintWriter err) {
        String[] all = raw.split(",");
        String first = all[0].trim();
        if (all.length > 1) {
            err.println("WARNING: several endpoints were given; only the first (" + first + ") is used");
        }
        URI uri;
        try {
            uri = new URI(first);
        } catch (URISyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "endpoint \"" + first + "\" is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if ("unix".equals(scheme) || "file".equals(scheme)) {
            throw new CliException(ExitCodes.USAGE, "endpoint " + first + " is a unix socket, which this client does "
                    + "not speak: give the agent's HTTP address, e.g. " + DEFAULT_ENDPOINT);
        }
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new CliException(ExitCodes.USAGE, "endpoint \"" + first + "\" is not a URL like " + DEFAULT_ENDPOINT);
        }
        if (uri.getPort() == 2379 || uri.getPort() == 4001) {
            throw new CliException(ExitCodes.USAGE, "endpoint " + first + " looks like etcd (port " + uri.getPort()
                    + "); the fleet commands talk to an agent's API, e.g. " + DEFAULT_ENDPOINT);
        }
        return uri;
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        throw new IllegalStateException("the last value is the default");
    }
}
