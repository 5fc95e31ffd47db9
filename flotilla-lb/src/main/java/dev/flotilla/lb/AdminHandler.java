package dev.flotilla.lb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The admin server's two pages: {@code GET /lb/status} (the backends as JSON, for people and scripts) and
 * {@code GET /metrics} (Prometheus text). Anything else is a 404 naming the two. Rare requests: built on the
 * event loop, no caching.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code GET /lb/status}. */
    record Status(String service, String mode, String balance, String listen, String transport, String source,
                  List<BackendStatus> backends) {
    }

    /**
     * One backend in {@code /lb/status}: {@code source} is what its source says, {@code health} the balancer's verdict,
     * {@code check} the last check's (or ejection's) one-line result.
     */
    record BackendStatus(String id, String address, int port, String health, String source, String check,
                         int activeConnections, long requests, long failures, long connectionsOpened, double p50Ms,
                         double p99Ms) {
    }

    private final Supplier<Status> status;
    private final PrometheusMeterRegistry registry;

    AdminHandler(Supplier<Status> status, PrometheusMeterRegistry registry) {
        this.status = status;
        this.registry = registry;
    }

    static List<BackendStatus> backends(Backend[] all) {
        List<BackendStatus> list = new ArrayList<>();
        for (Backend b : all) {
            BackendAddress a = b.address();
            list.add(new BackendStatus(a.id(), a.host(), a.port(), b.health(), b.sourcePassing() ? "passing" : "critical",
                    b.checkOutput(), b.activeCount(), b.requestCount(), b.failureCount(), b.connectionCount(),
                    round(b.latencyMillis(0.5)), round(b.latencyMillis(0.99))));
        }
        return list;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws JsonProcessingException {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean read = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
        FullHttpResponse response;
        if (read && path.equals("/lb/status")) {
            response = response(HttpResponseStatus.OK, "application/json", JSON.writeValueAsBytes(status.get()));
        } else if (read && path.equals("/metrics")) {
            response = response(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape().getBytes(StandardCharsets.UTF_8));
        } else {
            response = response(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                    ("404 Not Found: the admin server serves GET /lb/status and GET /metrics\n").getBytes(StandardCharsets.UTF_8));
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
