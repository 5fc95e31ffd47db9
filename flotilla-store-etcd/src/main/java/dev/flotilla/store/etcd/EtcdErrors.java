package dev.flotilla.store.etcd;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * Turns what jetcd and gRPC throw into the store's exceptions, with messages that name the etcd
 * endpoints and the operation. Stateless and thread-safe.
 */
final class EtcdErrors {

    /** What kind of failure an error is. */
    enum Kind {
        /** etcd could not be reached or did not answer in time: may have taken effect, retry later. */
        TRANSIENT,
        /** The lease named by the request does not exist. */
        LEASE_NOT_FOUND,
        /** Authentication or authorization failed. */
        AUTH,
        /** The TLS handshake failed (untrusted certificate, missing client certificate, ...). */
        TLS,
        /** etcd refused the request for another reason. */
        REFUSED
    }

    private final String endpoints;
    private final String user;

    EtcdErrors(String endpoints, String user) {
        this.endpoints = endpoints;
        this.user = user;
    }

    /** Classifies {@code error}, looking through wrappers and causes. */
    static Kind kind(Throwable error) {
        List<Throwable> chain = chain(error);
        if (chain.stream().anyMatch(SSLException.class::isInstance)) {
            return Kind.TLS;
        }
        String text = descriptions(chain).toLowerCase(Locale.ROOT);
        if (text.contains("authentication failed") || text.contains("user name is empty")
                || text.contains("permission denied") || text.contains("user name not found")) {
            return Kind.AUTH;
        }
        if (text.contains("lease not found")) {
            return Kind.LEASE_NOT_FOUND;
        }
        for (Throwable t : chain) {
            Status.Code code = code(t);
            if (t instanceof TimeoutException || t instanceof ConnectException
                    || code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
                return Kind.TRANSIENT;
            }
        }
        if (text.contains("too many requests")) {
            return Kind.TRANSIENT;
        }
        for (Throwable t : chain) {
            Status.Code code = code(t);
            if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
                return Kind.AUTH;
            }
        }
        return Kind.REFUSED;
    }

    /** Whether {@code error} means etcd did not answer (rather than answered with a refusal). */
    static boolean isTransient(Throwable error) {
        return kind(error) == Kind.TRANSIENT;
    }

    /**
     * Whether a broken watch stream should simply be reopened: transient failures, gRPC INTERNAL
     * errors (reset streams while a member restarts) and expired auth tokens (jetcd fetches a new one).
     */
    static boolean isResumable(Throwable error) {
        if (isTransient(error)) {
            return true;
        }
        List<Throwable> chain = chain(error);
        return chain.stream().anyMatch(t -> code(t) == Status.Code.INTERNAL)
                || descriptions(chain).contains("invalid auth token");
    }

    /**
     * The store exception for {@code error} raised by operation {@code what}.
     *
     * @param leaseId the lease the operation named, reported in a {@link LeaseNotFoundException}
     */
    StoreException translate(String what, Throwable error, long leaseId) {
        Throwable cause = unwrap(error);
        String detail = detail(cause);
        return switch (kind(cause)) {
            case TRANSIENT -> new TransientStoreException(
                    "etcd at " + endpoints + " did not answer " + what + ": " + detail, cause);
            case LEASE_NOT_FOUND -> {
                LeaseNotFoundException e = new LeaseNotFoundException(leaseId);
                e.initCause(cause);
                yield e;
            }
            case AUTH -> new StoreException(authMessage(what, detail), cause);
            case TLS -> new StoreException("TLS handshake with etcd at " + endpoints + " failed (" + what + "): "
                    + detail + "; check the CA, client certificate and key files", cause);
            case REFUSED -> new StoreException("etcd at " + endpoints + " refused " + what + ": " + detail, cause);
        };
    }

    /** A timeout of our own request deadline. */
    TransientStoreException timeout(String what, Duration timeout) {
        return new TransientStoreException("etcd at " + endpoints + " did not answer " + what + " within "
                + timeout.toMillis() + " ms");
    }

    private String authMessage(String what, String detail) {
        String lower = detail.toLowerCase(Locale.ROOT);
        if (user == null && (lower.contains("user name is empty") || lower.contains("unauthenticated"))) {
            return "etcd at " + endpoints + " requires authentication: configure an etcd user and password ("
                    + what + ": " + detail + ")";
        }
        if (lower.contains("permission denied") && user == null) {
            return "etcd at " + endpoints + " denied " + what + " without a user (with --client-cert-auth, etcd takes the "
                    + "client certificate's common name as the user): configure an etcd user and password: " + detail;
        }
        if (lower.contains("permission denied")) {
            return "etcd at " + endpoints + " denied " + what + " to user '" + user + "': " + detail;
        }
        return "etcd at " + endpoints + " refused the credentials of user '" + user
                + "' (authentication failed; check the user name and password): " + detail;
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static Status.Code code(Throwable t) {
        if (t instanceof EtcdException e) {
            return Status.Code.valueOf(e.getErrorCode().name());
        }
        if (t instanceof StatusException || t instanceof StatusRuntimeException) {
            return Status.fromThrowable(t).getCode();
        }
        return null;
    }

    private static String descriptions(List<Throwable> chain) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain) {
            text.append(' ').append(t.getMessage());
        }
        return text.toString();
    }

    /**
     * The most telling messages of the chain: the outermost, plus the TLS failure or else the
     * deepest cause that says something new.
     */
    private static String detail(Throwable error) {
        List<Throwable> chain = chain(error);
        String first = String.valueOf(chain.getFirst().getMessage());
        Throwable telling = chain.stream().filter(SSLException.class::isInstance).findFirst()
                .orElseGet(() -> chain.reversed().stream()
                        .filter(t -> t.getMessage() != null && !t.getMessage().isBlank())
                        .findFirst().orElse(chain.getFirst()));
        String tellingMessage = String.valueOf(telling.getMessage());
        if (telling == chain.getFirst() || first.contains(tellingMessage)) {
            return first;
        }
        return first + " (" + telling.getClass().getSimpleName() + ": " + tellingMessage + ")";
    }
}
