package dev.waymark.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Event;
import dev.waymark.InvalidEventException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event input from bytes: each line decoded on its own, so a line that is not UTF-8 is named and skipped alone. */
class Utf8LinesTest {

    static byte[] event(String id, byte[] contactId) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("{\"id\":\"" + id + "\",\"contactId\":\"").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(contactId);
        b.writeBytes("\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\"}\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    @Test
    void twoContactIdsWithInvalidUtf8_areTwoBadLinesNamingTheirNumbers_notOneContact() {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(event("e-1", "c-1".getBytes(StandardCharsets.UTF_8)));
        in.writeBytes(event("e-2", new byte[] {'c', '-', (byte) 0xFF}));
        in.writeBytes(event("e-3", new byte[] {'c', '-', (byte) 0xFE}));
        in.writeBytes(event("e-4", "c-\u00e9".getBytes(StandardCharsets.UTF_8)));

        WaymarkJson.EventLines lines = WaymarkJson.readEvents(new ByteArrayInputStream(in.toByteArray()));

        assertThat(lines.events()).extracting(Event::contactId).containsExactly("c-1", "c-\u00e9");
        assertThat(lines.errors()).extracting(InvalidEventException::getMessage).containsExactly(
                "line 2: not valid UTF-8: byte 0xFF at byte 28 of the line",
                "line 3: not valid UTF-8: byte 0xFE at byte 28 of the line");
    }

    @Test
    void crlfLineEnds_aByteOrderMark_andNoFinalNewline_areRead() {
        byte[] bytes = ("\uFEFFone\r\ntwo\r\n\r\nthree").getBytes(StandardCharsets.UTF_8);
        List<String> seen = new ArrayList<>();
        WaymarkJson.forEachLine(new ByteArrayInputStream(bytes), l -> seen.add(l.number() + ":" + l.text()));
        assertThat(seen).containsExactly("1:one", "2:two", "3:", "4:three");
    }

    @Test
    void aLineLongerThanTheReadBuffer_isOneLine() {
        String longLine = "x".repeat(200_000);
        List<String> seen = new ArrayList<>();
        WaymarkJson.forEachLine(new ByteArrayInputStream((longLine + "\nend\n").getBytes(StandardCharsets.UTF_8)),
                l -> seen.add(l.text()));
        assertThat(seen).containsExactly(longLine, "end");
    }

    @Test
    void aLineEndingInsideAMultiByteCharacter_isNamed() {
        byte[] bytes = {'o', 'k', '\n', 'a', (byte) 0xE2, (byte) 0x82, '\n'};
        List<WaymarkJson.Line> seen = new ArrayList<>();
        WaymarkJson.forEachLine(new ByteArrayInputStream(bytes), seen::add);
        assertThat(seen.get(0).text()).isEqualTo("ok");
        assertThat(seen.get(1).number()).isEqualTo(2);
        assertThat(seen.get(1).utf8Problem()).isEqualTo("not valid UTF-8: byte 0xE2 at byte 2 of the line");
    }
}
