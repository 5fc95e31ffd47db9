package dev.flotilla.lb;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One client connection in HTTP mode: reads a request (whole, up to the aggregator's limit), sends it to a backend
 * over a pooled keep-alive connection and streams the response back. One request at a time per client connection:
 * requests the client pipelines behind the one in flight wait in order, and the client's reads are off while any
 * wait; the backend's reads are off while the client cannot keep up (backpressure both ways without buffering).
 * A client that sends one request at a time never has its reads switched off and on: that would cost two
 * {@code epoll_ctl} calls per request, which the profile under load showed.
 *
 * <p>Failures: a backend that refuses or times out the connection is ejected and the request goes to another one
 * (any method: nothing was sent). An idempotent request whose connection breaks before the first response byte is
 * retried once on another backend; a pooled connection the backend had closed while idle is retried once more on a
 * fresh connection. Otherwise the client gets a plain-text 502. Everything runs on the client's event loop.
 */
final class HttpFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final String service;
    private final BackendPool pool;
    private final BackendConnector connector;
    private final List<Backend> tried = new ArrayList<>(2);
    /** Pipelined requests decoded from the same read as the one in flight; answered in order. */
    private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>(2);

    /** One listener for every request written (no allocation per request); ignores a connection no longer lent. */
    private final ChannelFutureListener requestWritten = f -> {
        if (!f.isSuccess()) {
            onBackendBroken(f.channel().pipeline().get(HttpBackendHandler.class),
                    "writing the request failed: " + BackendConnector.reason(f.cause()));
        }
    };

    private ChannelHandlerContext ctx;
    private String clientIp;
    private FullHttpRequest request;
    private HttpVersion clientVersion;
    private boolean clientKeepAlive;
    private boolean idempotent;
    private boolean staleRetried;
    private boolean freshConnection;
    private HttpBackendHandler lent;
    private Channel backendChannel;
    private boolean reused;
    private boolean responseStarted;
    private boolean backendKeepAlive;
    private long startNanos;

    HttpFrontendHandler(String service, BackendPool pool, BackendConnector connector) {
        this.service = service;
        this.pool = pool;
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        clientIp = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (request != null) {
            pipelined.add(req);
            ctx.channel().config().setAutoRead(false); // pipelining: read no more until those queued are answered
            return;
        }
        handle(req);
    }

    private void handle(FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            req.release();
            clientVersion = HttpVersion.HTTP_1_1;
            clientKeepAlive = false;
            reply(HttpResponseStatus.BAD_REQUEST, "400 Bad Request: " + req.decoderResult().cause().getMessage());
            return;
        }
        request = req;
        clientVersion = req.protocolVersion();
        clientKeepAlive = HttpUtil.isKeepAlive(req);
        HttpMethod m = req.method();
        idempotent = m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.PUT || m == HttpMethod.DELETE
                || m == HttpMethod.OPTIONS;
        forwardHeaders(req.headers());
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
        tried.clear();
        staleRetried = false;
        freshConnection = false;
        dispatch();
    }

    private void forwardHeaders(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            for (String named : connection.split(",")) {
                headers.remove(named.strip());
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        String forwarded = headers.get(FORWARDED_FOR);
        headers.set(FORWARDED_FOR, forwarded == null ? clientIp : forwarded + ", " + clientIp);
    }

    /** Sends the current request to the next backend in rotation not tried yet, or answers 502. */
    private void dispatch() {
        Backend backend = pool.pick(tried);
        if (backend == null) {
            String why = tried.isEmpty() ? "no backend of service " + service + " is available"
                    : "no other backend of service " + service + " is available after " + tried.getLast().address().id()
                            + " failed";
            reply(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: " + why);
            return;
        }
        tried.add(backend);
        responseStarted = false;
        Channel idle = freshConnection ? null : backend.pollIdle(ctx.channel().eventLoop());
        if (idle != null) {
            reused = true;
            send(backend, idle);
            return;
        }
        reused = false;
        HttpBackendHandler handler = new HttpBackendHandler(backend);
        connector.connect(backend, ctx.channel().eventLoop(), BackendConnector.pipeline(new HttpClientCodec(), handler))
                .addListener((ChannelFuture f) -> {
                    if (request == null) {
                        f.channel().close(); // the client went away meanwhile
                    } else if (f.isSuccess()) {
                        backend.connected();
                        send(backend, f.channel());
                    } else {
                        backend.failed();
                        pool.eject(backend, "connect failed: " + BackendConnector.reason(f.cause()));
                        dispatch();
                    }
                });
    }

    private void send(Backend backend, Channel channel) {
        HttpBackendHandler handler = channel.pipeline().get(HttpBackendHandler.class);
        handler.lend(this);
        lent = handler;
        backendChannel = channel;
        backend.started();
        startNanos = System.nanoTime();
        // A view sharing the headers (Netty's retainedDuplicate() would copy them for every attempt).
        channel.writeAndFlush(new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.content().retainedDuplicate(), request.headers(), request.trailingHeaders()))
                .addListener(requestWritten);
    }

    /** A piece of the response from the lent backend connection: forwarded to the client. */
    void onBackendResponse(HttpBackendHandler from, Object msg) {
        if (from != lent) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Channel client = ctx.channel();
        if (msg instanceof HttpResponse response) {
            responseStarted = true;
            prepareResponse(response);
        }
        if (msg instanceof LastHttpContent) {
            client.writeAndFlush(msg).addListener(clientKeepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                    : ChannelFutureListener.CLOSE);
            finishExchange();
            return;
        }
        client.write(msg);
        if (!client.isWritable()) {
            backendChannel.config().setAutoRead(false);
        }
    }

    private void prepareResponse(HttpResponse response) {
        HttpHeaders headers = response.headers();
        backendKeepAlive = HttpUtil.isKeepAlive(response);
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean delimited = chunked || HttpUtil.isContentLengthSet(response) || request.method() == HttpMethod.HEAD
                || response.status().code() == 204 || response.status().code() == 304;
        if (!delimited) {
            backendKeepAlive = false; // the body ends when the backend closes
        }
        if (clientVersion == HttpVersion.HTTP_1_0 && (chunked || !delimited)) {
            HttpUtil.setTransferEncodingChunked(response, false); // 1.0 knows no chunks: the body ends at close
            clientKeepAlive = false;
        } else if (!delimited) {
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        response.setProtocolVersion(clientVersion);
        HttpUtil.setKeepAlive(response, clientKeepAlive);
    }

    void flushToClient() {
        ctx.channel().flush();
    }

    private void finishExchange() {
        Backend backend = lent.backend();
        backend.finished(System.nanoTime() - startNanos);
        Channel channel = backendChannel;
        releaseBackend();
        channel.config().setAutoRead(true);
        if (backendKeepAlive) {
            backend.offerIdle(channel);
        } else {
            channel.close();
        }
        endRequest();
    }

    /** The lent backend connection broke (closed, reset, write failed) before the response's end. */
    void onBackendBroken(HttpBackendHandler from, String why) {
        if (from != lent) {
            return;
        }
        Backend backend = lent.backend();
        Channel channel = backendChannel;
        releaseBackend();
        channel.close();
        backend.abandoned();
        if (responseStarted) {
            ctx.channel().close(); // part of the response went out: the client must see it broken
            endRequest();
            return;
        }
        if (reused && !staleRetried) {
            staleRetried = true; // a pooled connection the backend had closed: once more, on a fresh one
            freshConnection = true;
            tried.remove(backend);
            dispatch();
            return;
        }
        if (!reused) {
            pool.eject(backend, "connection broken before a response: " + why);
        }
        if (idempotent && tried.size() < 2) {
            freshConnection = true;
            dispatch();
            return;
        }
        reply(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: backend " + backend.address().id() + " of service "
                + service + " failed before answering (" + why + ")"
                + (idempotent ? "" : "; " + request.method() + " is not retried"));
    }

    private void releaseBackend() {
        lent.giveBack();
        lent = null;
        backendChannel = null;
    }

    /** Answers the current request with a plain-text error of our own. */
    private void reply(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(clientVersion, status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, clientKeepAlive);
        ctx.channel().writeAndFlush(response).addListener(clientKeepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        endRequest();
    }

    private void endRequest() {
        if (request != null) {
            request.release();
            request = null;
        }
        if (!clientKeepAlive || !ctx.channel().isActive()) {
            return;
        }
        FullHttpRequest next = pipelined.poll();
        if (next != null) {
            handle(next);
        } else {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (backendChannel != null) {
            backendChannel.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lent != null) {
            lent.backend().cancelled();
            Channel channel = backendChannel;
            releaseBackend();
            channel.close();
        }
        if (request != null) {
            request.release();
            request = null;
        }
        FullHttpRequest waiting;
        while ((waiting = pipelined.poll()) != null) {
            waiting.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
