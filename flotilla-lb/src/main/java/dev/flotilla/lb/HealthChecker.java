package dev.flotilla.lb;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The balancer's own active checks, every check interval on every backend the source lists: a TCP connect, or
 * {@code GET <check-path>} over a fresh connection passing on a 2xx status (and, with a digest, a body whose SHA-1
 * matches). A backend gets traffic only while its last check passed; a passing check also re-admits a backend
 * ejected for a connection error. Runs on one event loop; never blocks it.
 */
final class HealthChecker implements AutoCloseable {

    /** The largest check body read (and hashed); a bigger one fails the check. */
    private static final int MAX_BODY = 1 << 20;

    private final LbConfig config;
    private final BackendPool pool;
    private final EventLoop loop;
    private final Transport transport;
    private final Map<Backend, Future<Boolean>> running = new ConcurrentHashMap<>();
    private ScheduledFuture<?> schedule;

    HealthChecker(LbConfig config, BackendPool pool, EventLoopGroup group, Transport transport) {
        this.config = config;
        this.pool = pool;
        this.loop = group.next();
        this.transport = transport;
    }

    /** Checks every backend now and then every interval. */
    void start() {
        long interval = config.checkInterval().toMillis();
        schedule = loop.scheduleAtFixedRate(this::checkAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Checks every backend once; the returned futures complete when each check has been recorded. */
    List<Future<Boolean>> checkAll() {
        List<Future<Boolean>> results = new ArrayList<>();
        for (Backend b : pool.all()) {
            results.add(check(b));
        }
        return results;
    }

    /** Checks {@code backend} now (unless a check of it is running) and records the result. */
    Future<Boolean> check(Backend backend) {
        Promise<Boolean> done = loop.newPromise();
        Future<Boolean> already = running.putIfAbsent(backend, done);
        if (already != null) {
            return already;
        }
        long startNanos = System.nanoTime();
        Promise<String> outcome = loop.newPromise();
        probe(backend, outcome);
        outcome.addListener(f -> {
            running.remove(backend);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            boolean passing = f.isSuccess();
            backend.checked(passing, passing ? f.getNow() + " in " + ms + " ms" : f.cause().getMessage());
            pool.refresh();
            done.setSuccess(passing);
        });
        return done;
    }

    private void probe(Backend backend, Promise<String> outcome) {
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.checkTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (config.checkPath() != null) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY),
                                    new ResponseCheck(outcome));
                        }
                    }
                });
        ChannelFuture connect = bootstrap.connect(backend.socketAddress());
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            outcome.tryFailure(new CheckFailed("no answer in " + config.checkTimeout().toMillis() + " ms"));
        }, config.checkTimeout().toMillis(), TimeUnit.MILLISECONDS);
        outcome.addListener(f -> {
            timeout.cancel(false);
            connect.channel().close();
        });
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                outcome.tryFailure(new CheckFailed("TCP connect failed: " + describe(f.cause())));
            } else if (config.checkPath() == null) {
                outcome.trySuccess("TCP connect");
            } else {
                var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.checkPath());
                request.headers().set(HttpHeaderNames.HOST, backend.address().hostPort())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                        .set(HttpHeaderNames.USER_AGENT, "flotilla-lb-check");
                f.channel().writeAndFlush(request).addListener(w -> {
                    if (!w.isSuccess()) {
                        outcome.tryFailure(new CheckFailed("GET " + config.checkPath() + " failed: " + describe(w.cause())));
                    }
                });
            }
        });
    }

    private static String describe(Throwable t) {
        return BackendConnector.reason(t);
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /** Judges the check's response: status class and, with a digest, the body's SHA-1. */
    private final class ResponseCheck extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Promise<String> outcome;

        ResponseCheck(Promise<String> outcome) {
            this.outcome = outcome;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            if (status < 200 || status > 299) {
                outcome.tryFailure(new CheckFailed("GET " + config.checkPath() + ": HTTP " + status + ", expected 2xx"));
                return;
            }
            if (config.checkSha1() != null) {
                String sha1 = sha1(response.content());
                if (!sha1.equals(config.checkSha1())) {
                    outcome.tryFailure(new CheckFailed("GET " + config.checkPath() + ": HTTP " + status + " but body SHA-1 "
                            + sha1 + ", expected " + config.checkSha1()));
                    return;
                }
            }
            outcome.trySuccess("GET " + config.checkPath() + ": HTTP " + status);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // After the codec: a response ended by the close has been judged by now.
            outcome.tryFailure(new CheckFailed("GET " + config.checkPath() + ": connection closed before a full response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            outcome.tryFailure(new CheckFailed("GET " + config.checkPath() + " failed: " + describe(cause)));
            ctx.close();
        }
    }

    private static String sha1(ByteBuf body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            digest.update(body.nioBuffer());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** A failed check; its message is the one-line reason shown in logs and {@code /lb/status}. */
    private static final class CheckFailed extends Exception {
        CheckFailed(String message) {
            super(message, null, false, false);
        }
    }
}
