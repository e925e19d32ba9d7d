package dev.gatehouse.host.cluster.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AssignmentTest {

    private static List<String> keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> "slack:ws" + i).toList();
    }

    private static Map<String, Long> counts(Map<String, String> target) {
        Map<String, Long> c = new HashMap<>();
        target.values().forEach(h -> c.merge(h, 1L, Long::sum));
        return c;
    }

    @Test
    void everyConnectionGetsOneOwnerAndSharesDifferByAtMostOne() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            int m = 1 + r.nextInt(7);
            int n = r.nextInt(60);
            List<String> hosts = IntStream.range(0, m).mapToObj(i -> "h" + i).toList();
            Map<String, String> current = new HashMap<>();
            for (String k : keys(n)) {
                if (r.nextBoolean()) {
                    current.put(k, "h" + r.nextInt(m + 2)); // some owners are gone
                }
            }
            Map<String, String> target = Assignment.assign(hosts, keys(n), current);
            assertThat(target).hasSize(n);
            assertThat(target.values()).allMatch(hosts::contains);
            if (n > 0) {
                Map<String, Long> c = counts(target);
                long max = hosts.stream().mapToLong(h -> c.getOrDefault(h, 0L)).max().orElseThrow();
                long min = hosts.stream().mapToLong(h -> c.getOrDefault(h, 0L)).min().orElseThrow();
                assertThat(max - min).as("balance with %d hosts, %d connections", m, n).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void everyHostComputesTheSameAnswerWhateverOrderItSeesThingsIn() {
        List<String> hosts = new ArrayList<>(List.of("a", "b", "c", "d"));
        List<String> ks = new ArrayList<>(keys(41));
        Map<String, String> first = Assignment.assign(hosts, ks, Map.of("slack:ws3", "b"));
        Collections.shuffle(hosts, new Random(1));
        Collections.shuffle(ks, new Random(2));
        assertThat(Assignment.assign(hosts, ks, Map.of("slack:ws3", "b"))).isEqualTo(first);
    }

    @Test
    void aJoiningHostTakesOnlyItsShareAndNothingElseMoves() {
        List<String> ks = keys(90);
        Map<String, String> before = Assignment.assign(List.of("a", "b"), ks, Map.of());
        Map<String, String> after = Assignment.assign(List.of("a", "b", "c"), ks, before);
        long moved = ks.stream().filter(k -> !before.get(k).equals(after.get(k))).count();
        assertThat(moved).isEqualTo(30);
        assertThat(ks.stream().filter(k -> !before.get(k).equals(after.get(k)))).allMatch(k -> after.get(k).equals("c"));
        assertThat(counts(after)).containsOnly(Map.entry("a", 30L), Map.entry("b", 30L), Map.entry("c", 30L));
    }

    @Test
    void aLeavingHostsConnectionsSpreadOverTheOthersAndNothingElseMoves() {
        List<String> ks = keys(90);
        Map<String, String> before = Assignment.assign(List.of("a", "b", "c"), ks, Map.of());
        Map<String, String> after = Assignment.assign(List.of("a", "b"), ks, before);
        assertThat(ks.stream().filter(k -> !before.get(k).equals("c"))).allMatch(k -> before.get(k).equals(after.get(k)));
        assertThat(counts(after)).containsOnly(Map.entry("a", 45L), Map.entry("b", 45L));
    }

    @Test
    void freeConnectionsSpreadRatherThanLandOnOneHost() {
        Map<String, String> fresh = Assignment.assign(List.of("a", "b", "c"), keys(300), Map.of());
        assertThat(counts(fresh)).containsOnly(Map.entry("a", 100L), Map.entry("b", 100L), Map.entry("c", 100L));
        assertThat(Assignment.assign(List.of(), keys(3), Map.of())).isEmpty();
    }

    @Test
    void aPinnedConnectionGoesToItsHostAndTheOthersBalanceAroundIt() {
        List<String> ks = keys(30);
        List<String> hosts = List.of("a", "b", "c");
        Map<String, String> before = Assignment.assign(hosts, ks, Map.of());
        String moving = ks.stream().filter(k -> !before.get(k).equals("c")).findFirst().orElseThrow();
        Map<String, String> after = Assignment.assign(hosts, ks, before, Map.of(moving, "c"));
        assertThat(after).containsEntry(moving, "c");
        // c now holds one more than before, so one of its own goes to the host the pinned one left: two moves in all
        long moved = ks.stream().filter(k -> !before.get(k).equals(after.get(k))).count();
        assertThat(moved).isEqualTo(2);
        assertThat(counts(after)).containsOnly(Map.entry("a", 10L), Map.entry("b", 10L), Map.entry("c", 10L));
        // computed again from the new owners, nothing moves: the pin holds and the balancing leaves it
        assertThat(Assignment.assign(hosts, ks, after, Map.of(moving, "c"))).isEqualTo(after);
    }

    @Test
    void pinsBeyondAHostsShareWinAndAPinToAHostThatIsGoneIsIgnored() {
        List<String> ks = keys(6);
        Map<String, String> pins = new HashMap<>();
        ks.subList(0, 4).forEach(k -> pins.put(k, "a"));
        pins.put(ks.get(5), "gone");
        Map<String, String> target = Assignment.assign(List.of("a", "b"), ks, Map.of(), pins);
        ks.subList(0, 4).forEach(k -> assertThat(target).containsEntry(k, "a"));
        assertThat(target.get(ks.get(4))).isEqualTo("b");
        assertThat(target.get(ks.get(5))).isEqualTo("b");
        assertThat(target).hasSize(6);
    }
}
