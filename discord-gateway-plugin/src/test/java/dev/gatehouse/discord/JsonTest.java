package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void quotesAndEscapesWhatJsonRequires() {
        assertThat(Json.string("plain")).isEqualTo("\"plain\"");
        assertThat(Json.string("say \"hi\" \\ back\nnext\ttab\u0001")).isEqualTo("\"say \\\"hi\\\" \\\\ back\\nnext\\ttab\\u0001\"");
        assertThat(Json.string("émoji 👍 <@123>")).isEqualTo("\"émoji 👍 <@123>\"");
    }
}
