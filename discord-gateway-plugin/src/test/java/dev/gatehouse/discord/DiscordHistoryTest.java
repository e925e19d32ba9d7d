package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiscordHistoryTest {

    @Test
    void anInstantBecomesAnExclusiveBoundThatStillTakesTheFirstSnowflakeOfItsMillisecond() {
        long millis = 1_700_000_000_123L;
        long firstOfThatMillisecond = (millis - DiscordHistory.DISCORD_EPOCH_MILLIS) << 22;
        long lastOfThePrevious = firstOfThatMillisecond - 1;

        long after = Long.parseLong(DiscordHistory.afterInstant(millis));

        assertThat(firstOfThatMillisecond).as("listed: its id is above the exclusive bound").isGreaterThan(after);
        assertThat(lastOfThePrevious).as("not listed: created before the instant").isLessThanOrEqualTo(after);
    }

    @Test
    void anInstantBeforeDiscordsEpochListsFromTheStart() {
        assertThat(DiscordHistory.afterInstant(0)).isEqualTo("0");
    }
}
