package dev.gatehouse.host.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SerialLanesTest {

    private final ExecutorService pool = DaemonThreads.shortLivedPool("test-lanes", Duration.ofSeconds(5));
    private final CountDownLatch release = new CountDownLatch(1);

    /** The threads a "held" pool was asked for, started only by {@link #startHeld}: tasks pile up in their lane first. */
    private final List<Runnable> held = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    static Stream<Runnable> errors() {
        return Stream.of(
                () -> recurse(0), // a real StackOverflowError
                () -> {
                    throw new AssertionError("handler assertion");
                },
                () -> {
                    throw new NoClassDefFoundError("dev/gatehouse/unloaded/Plugin");
                },
                () -> {
                    throw new OutOfMemoryError("simulated");
                });
    }

    @ParameterizedTest
    @MethodSource("errors")
    void anErrorThrownByATaskIsContainedCountedAndItsLaneKeepsGoing(Runnable failing) throws Exception {
        SerialLanes lanes = new SerialLanes(pool);
        CountDownLatch next = new CountDownLatch(1);
        lanes.submit("C1", failing);
        lanes.submit("C1", next::countDown);

        assertThat(next.await(5, TimeUnit.SECONDS)).as("the lane's next task ran").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> lanes.activeLanes() == 0);
        CountDownLatch later = new CountDownLatch(1);
        lanes.submit("C1", later::countDown);
        assertThat(later.await(5, TimeUnit.SECONDS)).as("the lane is not wedged").isTrue();
        assertThat(lanes.errors()).isEqualTo(1);
    }

    @Test
    void aFullLaneRefusesTheNewestTaskAndKeepsTheOthers() throws Exception {
        SerialLanes lanes = new SerialLanes(pool, 4, 3);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        lanes.submit("C1", () -> {
            started.countDown();
            hold(release);
        });
        started.await(5, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            int n = i;
            lanes.submit("C1", () -> ran.add(n));
        }
        assertThatThrownBy(() -> lanes.submit("C1", () -> ran.add(99)))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("3 tasks are already waiting");
        assertThat(lanes.refused()).isEqualTo(1);
        assertThat(lanes.queued()).isEqualTo(3);
        lanes.submit("C2", () -> ran.add(7)); // other lanes are unaffected (asserted after the counts: it may not have run yet)

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 4);
        assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, 7);
        assertThat(ran.stream().filter(n -> n < 3).toList()).containsExactly(0, 1, 2);
    }

    @Test
    void lanesBeyondTheRunningBoundWaitTheirTurnAndAFastLaneCannotStarveThem() throws Exception {
        SerialLanes lanes = new SerialLanes(pool, 2, 1000);
        CountDownLatch slowStarted = new CountDownLatch(1);
        lanes.submit("slow", () -> {
            slowStarted.countDown();
            hold(release);
        });
        slowStarted.await(5, TimeUnit.SECONDS);
        // One thread left: a busy lane and a newcomer share it in turns.
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch busyGate = new CountDownLatch(1);
        lanes.submit("busy", () -> hold(busyGate));
        for (int i = 0; i < 5; i++) {
            int n = i;
            lanes.submit("busy", () -> ran.add("busy" + n));
        }
        lanes.submit("newcomer", () -> ran.add("newcomer"));
        assertThat(lanes.waitingLanes()).isEqualTo(1);
        busyGate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 6);
        assertThat(ran.indexOf("newcomer")).as("the newcomer ran after at most one more task of the busy lane")
                .isLessThanOrEqualTo(1);
        assertThat(lanes.activeLanes()).isEqualTo(1); // only the slow one
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
    /** Lanes on {@link #pool} that count the tasks handed to it (one per thread a lane needs). */
    private SerialLanes countingHandOffs(AtomicInteger handOffs, Duration linger) {
        return new SerialLanes(r -> {
            handOffs.incrementAndGet();
            pool.execute(r);
        }, 4, 10, linger);
    }

    /** Submits a task that records the thread it ran on, and waits until it ran. */
    private static void runOn(SerialLanes lanes, String key, List<Thread> ran) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        lanes.submit(key, () -> {
            ran.add(Thread.currentThread());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).as("a task of lane %s ran within 10 s", key).isTrue();
    }

    /** Runs one task on the lane, then waits until the lane's thread is parked in its linger. */
    private static void lingeringAfterATask(SerialLanes lanes, String key, List<Thread> ran) throws InterruptedException {
        runOn(lanes, key, ran);
        Thread lane = ran.get(ran.size() - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> lane.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void aLaneThatRanEmptyKeepsItsThreadForTheLingerSoTheNextTaskNeedsNoHandOff() throws Exception {
        AtomicInteger handOffs = new AtomicInteger();
        SerialLanes lanes = countingHandOffs(handOffs, Duration.ofSeconds(2));
        List<Thread> ran = new CopyOnWriteArrayList<>();
        runOn(lanes, "A", ran);
        runOn(lanes, "A", ran);
        assertThat(handOffs).as("the second task joined the lingering thread").hasValue(1);
        assertThat(ran.get(1)).isSameAs(ran.get(0));

        await().atMost(Duration.ofSeconds(15)).until(() -> lanes.activeLanes() == 0); // given back after the linger
        runOn(lanes, "A", ran);
        assertThat(handOffs).hasValue(2);
    }

    @Test
    void aLaneDoesNotLingerWhileAnotherWaitsForItsThread() throws Exception {
        SerialLanes lanes = new SerialLanes(pool, 1, 10, Duration.ofMinutes(5));
        CountDownLatch aRunning = new CountDownLatch(1);
        CountDownLatch bRan = new CountDownLatch(1);
        lanes.submit("A", () -> {
            aRunning.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(aRunning.await(10, TimeUnit.SECONDS)).isTrue();
        lanes.submit("B", bRan::countDown);
        assertThat(lanes.waitingLanes()).isEqualTo(1);
        release.countDown();
        assertThat(bRan.await(30, TimeUnit.SECONDS)).as("B got the thread without waiting out A's 5 min linger").isTrue();
    }

    @Test
    void aTaskForALingeringLaneWakesItsThreadAtOnceInsteadOfWaitingOutTheLinger() throws Exception {
        AtomicInteger handOffs = new AtomicInteger();
        SerialLanes lanes = countingHandOffs(handOffs, Duration.ofMinutes(5));
        List<Thread> ran = new CopyOnWriteArrayList<>();
        lingeringAfterATask(lanes, "A", ran); // parked in its 5-minute linger when the next task comes

        runOn(lanes, "A", ran); // within 10 s, not 5 min
        assertThat(ran.get(1)).isSameAs(ran.get(0));
        assertThat(handOffs).as("no hand-off through the pool").hasValue(1);
    }

    @Test
    void aLaneThatNeedsAThreadWakesOneLingeringOnAnotherLane() throws Exception {
        SerialLanes lanes = new SerialLanes(pool, 1, 10, Duration.ofMinutes(5));
        List<Thread> ran = new CopyOnWriteArrayList<>();
        lingeringAfterATask(lanes, "A", ran);

        runOn(lanes, "B", ran); // the only thread allowed lingers on A: B gets it within 10 s, not 5 min
        assertThat(ran.get(1)).as("B ran on the thread A lingered with").isSameAs(ran.get(0));
        assertThat(lanes.activeLanes()).as("A gave its thread up (B lingers on it now)").isEqualTo(1);
    }

    private void startHeld() {
        held.forEach(pool::execute);
        held.clear();
    }

    /** Submits a task that records its name and, if it is {@code gate}'s, waits for the gate first. */
    private static void submitNamed(SerialLanes lanes, String key, String name, List<String> ran, CountDownLatch started,
            CountDownLatch gate) {
        lanes.submit(key, () -> {
            if (gate != null) {
                started.countDown();
                hold(gate);
            }
            ran.add(name);
        });
    }

    @Test
    void theTasksOfATakenBatchCountAgainstTheLaneCapacityUntilTheyRan() throws Exception {
        SerialLanes lanes = new SerialLanes(held::add, 4, 3);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        submitNamed(lanes, "C1", "a", ran, started, release);
        submitNamed(lanes, "C1", "b", ran, null, null);
        submitNamed(lanes, "C1", "c", ran, null, null);
        startHeld(); // one thread takes a, b and c at once; a blocks
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lanes.queued()).as("taken off the queue in one batch").isZero();

        submitNamed(lanes, "C1", "d", ran, null, null); // b and c wait behind a: with d the lane holds its 3
        assertThatThrownBy(() -> submitNamed(lanes, "C1", "e", ran, null, null))
                .isInstanceOf(RejectedExecutionException.class);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 4);
        assertThat(ran).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aLaneThatStartsWaitingGetsTheThreadAfterTheRunningTaskAndTheBatchGoesOnAfterItInOrder() throws Exception {
        SerialLanes lanes = new SerialLanes(held::add, 1, 10);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        submitNamed(lanes, "X", "x1", ran, started, gate);
        submitNamed(lanes, "X", "x2", ran, null, null);
        submitNamed(lanes, "X", "x3", ran, null, null);
        startHeld(); // the only thread takes x1, x2 and x3 at once; x1 blocks
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        submitNamed(lanes, "Y", "y1", ran, null, null);
        assertThat(lanes.waitingLanes()).isEqualTo(1);

        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 4);
        assertThat(ran).as("Y did not wait for the rest of X's batch").containsExactly("x1", "y1", "x2", "x3");
        assertThat(held).as("no second thread was ever asked for").isEmpty();
    }
}
