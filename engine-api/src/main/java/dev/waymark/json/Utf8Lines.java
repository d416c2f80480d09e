package dev.waymark.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines ({@code \n}, with an optional {@code \r} before it) and decodes each line
 * as UTF-8 on its own, strictly. Decoding per line is what lets a bad byte be reported with its line number
 * and the lines after it still be read; a {@code Reader} over the whole stream either replaces bad bytes
 * silently or fails somewhere in its read-ahead, at no line in particular. Not thread-safe; one per input.
 */
final class Utf8Lines {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private Utf8Lines() {
    }

    /** Hands every line of {@code in} (blank ones too) to {@code action}, in order; does not close {@code in}. */
    static void read(InputStream in, Consumer<WaymarkJson.Line> action) throws IOException {
        new Utf8Lines().readAll(in, action);
    }

    private void readAll(InputStream in, Consumer<WaymarkJson.Line> action) throws IOException {
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int number = 0;
        int n;
        boolean pending = false;
        while ((n = in.read(buf)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, start, i - start);
                    action.accept(decode(++number, line));
                    line.reset();
                    pending = false;
                    start = i + 1;
                }
            }
            if (start < n) {
                line.write(buf, start, n - start);
                pending = true;
            }
        }
        if (pending) { // a last line without a line end
            action.accept(decode(++number, line));
        }
    }

    private WaymarkJson.Line decode(int number, ByteArrayOutputStream bytes) {
        byte[] b = bytes.toByteArray();
        int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        if (number == 1 && len >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            // A byte order mark some editors put first: not part of the JSON, and valid UTF-8.
            return decode(number, b, 3, len - 3);
        }
        return decode(number, b, 0, len);
    }

    private WaymarkJson.Line decode(int number, byte[] b, int off, int len) {
        try {
            decoder.reset();
            return new WaymarkJson.Line(number, decoder.decode(ByteBuffer.wrap(b, off, len)).toString(), null);
        } catch (CharacterCodingException e) {
            return new WaymarkJson.Line(number, null, "not valid UTF-8: " + describe(b, off, len));
        }
    }

    /** Where the first bad byte is: its column (1-based byte offset in the line) and value. */
    private String describe(byte[] b, int off, int len) {
        decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(len + 1);
        decoder.decode(in, out, true);
        int bad = in.position() - off; // the decoder stops at the first malformed sequence
        return bad < len ? String.format("byte 0x%02X at byte %d of the line", b[off + bad] & 0xFF, bad + 1)
                : "the line ends inside a multi-byte character";
    }
}
