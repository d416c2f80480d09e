package dev.waymark.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.waymark.Action;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.WaymarkException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Contact states are read strictly: a damaged line names its number and field instead of reading as zeros. */
class StrictStateTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A state as the writer writes it: one order, one ledger entry, one pending event. */
    static String written() {
        Contact c = Contact.empty("c-1");
        c = new Contact(c.id(), Map.of("email", "a@b.c"), Map.of("email", Instant.parse("2026-11-01T00:00:00Z")), c.tags(),
                c.tagTimes(), null, c.consents(), Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"),
                1, 20.0, Instant.parse("2026-11-02T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"), c.categories(),
                List.of(new Contact.Order("o-1", Instant.parse("2026-11-02T00:00:00Z"), 20.0, List.of("books"), false)),
                c.openCarts(), c.closedCarts(), 0, c.unopenedCampaigns(), null, c.eventCounts(), c.reviews(), c.reviewTimes(), false,
                List.of(new Contact.LedgerEntry("ad-exclusion", "audience.remove", "once", Instant.parse("2026-11-02T00:00:00Z"))),
                c.conversions(), c.journeys(), c.lateBefore(), c.closedCartOrders(), c.cartMarks());
        Event pending = new Event("e-9", "c-1", "page.viewed", Instant.parse("2026-12-01T00:00:00Z"), Map.of());
        return WaymarkJson.write(new ContactState(c, List.of(pending), Map.of("e-9", pending.at()), null,
                Instant.parse("2026-11-20T00:00:00Z"), "r"));
    }

    static String edit(java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode n = (ObjectNode) JSON.readTree(written());
        change.accept(n);
        return n.toString();
    }

    @Test
    void writtenState_readsBackEqual() {
        String line = written();
        assertThat(WaymarkJson.write(WaymarkJson.readState(line))).isEqualTo(line);
    }

    @Test
    void missingOrderCount_isAnErrorNamingTheField_notZero() throws Exception {
        String line = edit(n -> ((ObjectNode) n.get("contact")).remove("orderCount"));
        assertThatThrownBy(() -> WaymarkJson.readState(line))
                .isInstanceOf(WaymarkException.class).hasMessage("contact.orderCount: missing (every state line has it)");
    }

    @Test
    void missingFieldOfANestedRecord_namesItsPath() throws Exception {
        String line = edit(n -> ((ObjectNode) n.get("contact").get("recentOrders").get(0)).remove("amount"));
        assertThatThrownBy(() -> WaymarkJson.readState(line)).hasMessage("contact.recentOrders[0].amount: missing (every state line has it)");
    }

    @Test
    void missingTopLevelField_namesIt() throws Exception {
        String line = edit(n -> n.remove("seenEventIds"));
        assertThatThrownBy(() -> WaymarkJson.readState(line)).hasMessage("seenEventIds: missing (every state line has it)");
    }

    @Test
    void unknownField_isAnErrorNamingIt() throws Exception {
        String line = edit(n -> ((ObjectNode) n.get("contact")).put("orderCnt", 3));
        assertThatThrownBy(() -> WaymarkJson.readState(line)).hasMessage("contact.orderCnt: unknown field");
    }

    @Test
    void nullOrQuotedNumber_isAnErrorNamingTheField() throws Exception {
        String nulled = edit(n -> ((ObjectNode) n.get("contact")).putNull("orderCount"));
        String quoted = edit(n -> ((ObjectNode) n.get("contact")).put("orderCount", "1"));
        assertThatThrownBy(() -> WaymarkJson.readState(nulled)).hasMessageStartingWith("contact.orderCount: ");
        assertThatThrownBy(() -> WaymarkJson.readState(quoted)).hasMessageStartingWith("contact.orderCount: ");
    }

    @Test
    void stateOfAnEarlierVersion_withoutConversionsAndJourneys_stillReads() throws Exception {
        String line = edit(n -> ((ObjectNode) n.get("contact")).remove(List.of("conversions", "journeys")));
        ContactState s = WaymarkJson.readState(line);
        assertThat(s.contact().orderCount()).isEqualTo(1);
        assertThat(s.contact().journeys().journeys()).isEmpty();
        assertThat(s.contact().conversions().open()).isEmpty();
    }

    @Test
    void stateFileLine_withInvalidUtf8_isAnErrorNamingTheLine() {
        byte[] bad = written().replace("a@b.c", "a@b\u00e9c").getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bad, (byte) 0xC3);
        bad[at + 1] = (byte) 0x28; // 0xC3 0x28: a lead byte without its continuation
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes((written() + "\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes(bad);
        file.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> WaymarkJson.readStates(new ByteArrayInputStream(file.toByteArray())))
                .isInstanceOf(WaymarkException.class)
                .hasMessage("state line 2: not valid UTF-8: byte 0xC3 at byte " + (at + 1) + " of the line");
    }

    @Test
    void stateFileLine_missingAField_namesLineAndField() throws Exception {
        String good = written();
        String bad = edit(n -> ((ObjectNode) n.get("contact")).remove("orderCount"));
        byte[] file = (good + "\n\n" + bad + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WaymarkJson.readStates(new ByteArrayInputStream(file)))
                .hasMessage("state line 3: contact.orderCount: missing (every state line has it)");
    }

    @Test
    void actionLineStillReads() {
        Action a = Action.of("c-1", "r", "task.create", "k", Instant.parse("2026-11-20T00:00:00Z"), Map.of());
        assertThat(WaymarkJson.readAction(WaymarkJson.write(a))).isEqualTo(a);
    }

    static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        throw new AssertionError("no byte " + x);
    }
}
