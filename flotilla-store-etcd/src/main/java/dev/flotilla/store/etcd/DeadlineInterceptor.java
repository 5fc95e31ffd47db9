package dev.flotilla.store.etcd;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Gives every gRPC call to etcd a deadline, so nothing waits forever on an etcd that does not
 * answer, except the long-lived watch streams (their health is the connection monitor's business).
 */
final class DeadlineInterceptor implements ClientInterceptor {
    private static final String WATCH_METHOD = "etcdserverpb.Watch/Watch";

    private final long timeoutNanos;

    DeadlineInterceptor(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (options.getDeadline() == null && !WATCH_METHOD.equals(method.getFullMethodName())) {
            return next.newCall(method, options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
        }
        return next.newCall(method, options);
    }
}
