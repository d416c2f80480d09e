package dev.waymark.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Event;
import dev.waymark.InvalidEventException;
import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Event lines in (docs/events-and-actions.md): every kind of bad line names its line number and field. */
class EventLinesTest {

    static final String GOOD = "{\"id\":\"e-1\",\"contactId\":\"c-42\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\","
            + "\"props\":{\"cartId\":\"k-1\",\"sku\":\"MUG-1\",\"category\":\"kitchen\",\"price\":12.5,\"qty\":2,\"color\":\"red\"}}";

    @Test
    void validLine_keepsUnknownProps() {
        Event e = WaymarkJson.readEvent(GOOD, 1);
        assertThat(e.props()).containsEntry("color", "red").containsEntry("qty", 2L).containsEntry("price", 12.5);
    }

    @Test
    void eventWrittenAndReadBack_isEqual() {
        Event e = WaymarkJson.readEvent(GOOD, 1);
        assertThat(WaymarkJson.readEvent(WaymarkJson.write(e), 1)).isEqualTo(e);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                 | {\"id\":                                                                              | ''",
        "not an object            | [1,2]                                                                                 | ''",
        "unknown top-level field  | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\",\"extra\":1} | extra",
        "missing id               | {\"contactId\":\"c\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\"}        | id",
        "empty contactId          | {\"id\":\"e\",\"contactId\":\"\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\"} | contactId",
        "id not a string          | {\"id\":7,\"contactId\":\"c\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\"} | id",
        "bad type                 | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"Page Viewed\",\"at\":\"2026-11-20T10:00:00Z\"} | type",
        "bad instant              | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"page.viewed\",\"at\":\"yesterday\"}      | at",
        "props not an object      | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":[1]} | props",
        "missing cartId           | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"sku\":\"A\",\"price\":1}} | props.cartId",
        "negative price           | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"cartId\":\"k\",\"sku\":\"A\",\"price\":-1}} | props.price",
        "price not a number       | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"cartId\":\"k\",\"sku\":\"A\",\"price\":\"1\"}} | props.price",
        "qty zero                 | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"cartId\":\"k\",\"sku\":\"A\",\"price\":1,\"qty\":0}} | props.qty",
        "qty fractional           | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"cartId\":\"k\",\"sku\":\"A\",\"price\":1,\"qty\":1.5}} | props.qty",
        "missing amount           | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"order.placed\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"orderId\":\"o\"}} | props.amount",
        "categories not strings   | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"order.placed\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"orderId\":\"o\",\"amount\":1,\"categories\":[1]}} | props.categories",
        "unknown channel          | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"subscribed\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"channel\":\"fax\"}} | props.channel",
        "rating out of range      | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"review.submitted\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"orderId\":\"o\",\"rating\":6}} | props.rating",
        "missing campaignId       | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"email.sent\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{}} | props.campaignId",
        "missing tag              | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"tag.added\",\"at\":\"2026-11-20T10:00:00Z\"} | props.tag",
        "attributes not an object | {\"id\":\"e\",\"contactId\":\"c\",\"type\":\"contact.updated\",\"at\":\"2026-11-20T10:00:00Z\",\"props\":{\"attributes\":3}} | props.attributes",
    })
    void badLine_namesLineAndField(String what, String line, String field) {
        assertThatThrownBy(() -> WaymarkJson.readEvent(line.strip(), 7))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.field()).isEqualTo(field.strip());
                    assertThat(e.getMessage()).startsWith("line 7: ");
                });
    }

    static String line(String type, String at, String props) {
        return "{\"id\":\"e\",\"contactId\":\"c\",\"type\":\"" + type + "\",\"at\":\"" + at + "\",\"props\":" + props + "}";
    }

    static String cartAdd(String price, String qty) {
        return line("cart.item_added", "2026-11-20T10:00:00Z", "{\"cartId\":\"k\",\"sku\":\"A\",\"price\":" + price + ",\"qty\":" + qty + "}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "qty that would overflow a sum | 12.5                     | 9223372036854775807 | props.qty    | '9223372036854775807' is not an integer from 1 to 10000",
        "qty past the maximum          | 12.5                     | 10001               | props.qty    | '10001' is not an integer from 1 to 10000",
        "price past the maximum        | 1000000000.01            | 1                   | props.price  | '1.00000000001E9' is not a number from 0 to 1e9",
        "price too large for a double  | 1e400                    | 1                   | props.price  | is not a number from 0 to 1e9",
    })
    void numberOutOfRange_isRejectedNamingLineAndField(String what, String price, String qty, String field, String reason) {
        assertThatThrownBy(() -> WaymarkJson.readEvent(cartAdd(price.strip(), qty.strip()), 3))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.field()).isEqualTo(field.strip());
                    assertThat(e.reason()).contains(reason.strip());
                });
    }

    @Test
    void theLargestQtyAndPrice_areAccepted() {
        Event e = WaymarkJson.readEvent(cartAdd("1000000000", "10000"), 1);
        assertThat(e.props()).containsEntry("qty", 10_000L);
    }

    @Test
    void orderAmountPastTheMaximum_isRejectedNamingLineAndField() {
        String order = line("order.placed", "2026-11-20T10:00:00Z", "{\"orderId\":\"o\",\"amount\":2e9}");
        assertThatThrownBy(() -> WaymarkJson.readEvent(order, 4))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("line 4: props.amount: '2.0E9' is not a number from 0 to 1e9");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "year 0000             | 0000-12-31T23:59:59Z",
        "year 10000            | +10000-01-01T00:00:00Z",
        "year -1,000,000,000   | -1000000000-01-01T00:00:00Z",
    })
    void atOutsideYears1To9999_isRejectedNamingLineAndField(String what, String at) {
        assertThatThrownBy(() -> WaymarkJson.readEvent(line("page.viewed", at.strip(), "{}"), 9))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.line()).isEqualTo(9);
                    assertThat(e.field()).isEqualTo("at");
                    assertThat(e.reason()).endsWith("is outside years 0001 to 9999");
                });
    }

    @Test
    void theFirstAndLastInstantsOfYears1To9999_areAccepted() {
        assertThat(WaymarkJson.readEvent(line("page.viewed", "0001-01-01T00:00:00Z", "{}"), 1).at()).isEqualTo(Event.EARLIEST);
        assertThat(WaymarkJson.readEvent(line("page.viewed", "9999-12-31T23:59:59.999999999Z", "{}"), 1).at()).isEqualTo(Event.LATEST);
    }

    @Test
    void anAttributeValueLongerThanTheLimit_isRejectedNamingLineAndAttribute() {
        String big = "x".repeat(Event.MAX_ATTRIBUTE_VALUE_LENGTH);
        String update = line("contact.updated", "2026-11-20T10:00:00Z", "{\"attributes\":{\"bio\":\"" + big + "\"}}");
        assertThatThrownBy(() -> WaymarkJson.readEvent(update, 5))
                .isInstanceOfSatisfying(InvalidEventException.class, e ->
                        assertThat(e.getMessage()).isEqualTo("line 5: props.attributes.bio: value longer than 4096 characters"));
    }

    @Test
    void aTagLongerThanTheNameLimit_isRejectedNamingLineAndField() {
        String tag = line("tag.added", "2026-11-20T10:00:00Z", "{\"tag\":\"" + "t".repeat(257) + "\"}");
        assertThatThrownBy(() -> WaymarkJson.readEvent(tag, 2))
                .isInstanceOfSatisfying(InvalidEventException.class, e ->
                        assertThat(e.getMessage()).isEqualTo("line 2: props.tag: 257 characters, longer than 256"));
    }

    @Test
    void readEvents_keepsEveryValidLine_andReportsEachBadOne() {
        String input = GOOD + "\n\n{broken\n" + GOOD.replace("e-1", "e-2") + "\n{\"id\":\"e-3\"}\n";
        WaymarkJson.EventLines lines = WaymarkJson.readEvents(new BufferedReader(new StringReader(input)));
        assertThat(lines.events()).extracting(Event::id).containsExactly("e-1", "e-2");
        assertThat(lines.errors()).extracting(InvalidEventException::line).containsExactly(3, 5);
    }
}
