package dev.flotilla.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand over a socket, for requests no well-behaved client sends: bad request lines, broken
 * percent-encoding, lying Content-Lengths, huge headers. One request per connection; the response is read
 * until the server closes it (or its Content-Length is reached).
 */
final class RawHttp {

    /** A response as it came over the wire; {@code status} is -1 when the server closed without answering. */
    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} (bytes as they are) to 127.0.0.1:{@code port} and reads the answer. */
    static Response send(int port, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading everything (e.g. 413, 431): read what it said.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request with a correct Content-Length for {@code body} (null: no body) and Connection: close. */
    static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            b.writeBytes(body);
        }
        return b.toByteArray();
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headerEnd = -1;
        long contentLength = -1;
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                raw.write(buffer, 0, n);
                byte[] so = raw.toByteArray();
                if (headerEnd < 0) {
                    headerEnd = indexOf(so, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    if (headerEnd >= 0) {
                        String head = new String(so, 0, headerEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                        int cl = head.indexOf("\r\ncontent-length:");
                        if (cl >= 0) {
                            int end = head.indexOf("\r\n", cl + 2);
                            contentLength = Long.parseLong(head.substring(cl + 17, end < 0 ? head.length() : end).strip());
                        }
                    }
                }
                if (headerEnd >= 0 && contentLength >= 0 && so.length >= headerEnd + 4 + contentLength) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // Take what arrived.
        }
        byte[] all = raw.toByteArray();
        if (headerEnd < 0) {
            return new Response(-1, Map.of(), new String(all, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(all, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        String body = new String(all, headerEnd + 4, all.length - headerEnd - 4, StandardCharsets.UTF_8);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(Integer.parseInt(statusLine[1]), headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
