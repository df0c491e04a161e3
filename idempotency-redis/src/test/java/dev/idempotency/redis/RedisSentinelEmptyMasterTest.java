package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * The Redis hazard behind the lost Sentinel crash run (docs/outages.md), shown without load: a master that comes back
 * <em>without its data</em> while it can still act as a master hands its empty data set on, and every record the
 * store had is gone: before the failover to its replica (which resynchronises from it), or after it, through a
 * failover back to it (the sentinels list it as a replica, so it is a candidate, until they demote it). Neither Redis nor the store can tell an emptied data set from a new one, so a key completed
 * before runs again; the only defence is the operator's (a master keeps its data, AOF with {@code appendfsync
 * always}, or never comes back empty as a master). Records are written by the store through the sentinels, with
 * {@code durableCompletion=1}, so each was on the replica before {@code complete} returned: the loss is not a
 * replication lag.
 */
@RequiresRedis(servers = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisSentinelEmptyMasterTest {

    private static final int RECORDS = 200;
    private static final String[] PLAIN = {"--repl-diskless-sync-delay", "0"};
    private static final String[] DURABLE = {"--repl-diskless-sync-delay", "0", "--appendonly", "yes",
            "--appendfsync", "always"};

    @Test
    void anEmptyMasterBackBeforeDownAfterWipesItsReplicaAndNoFailoverHappens() {
        // down-after 5 s: the restart (a fraction of a second) is certain to come first, whatever the machine's load
        try (RedisSentinels env = RedisSentinels.start(7231, 26471, Duration.ofSeconds(5), PLAIN);
                RedisStore store = store(env)) {
            writeRecords(store);
            assertThat(keys(env.replica)).as("every record on the replica").isEqualTo(RECORDS);

            env.master.kill();
            env.master.restart(); // at once, empty: well within down-after

            RedisNode.await("the replica to resynchronise from the restarted master", Duration.ofSeconds(20),
                    () -> linkUp(env.replica) && keys(env.replica) == 0);
            assertThat(env.reportedMasterPort()).as("no failover").isEqualTo(env.master.port);
            assertThat(env.events("+odown", "+switch-master")).as("the sentinels saw no outage to act on").isEmpty();
            assertThat(keys(env.master) + keys(env.replica)).as("no copy of any record is left").isZero();
            assertAllRecordsGone(store);
        }
    }

    @Test
    void anEmptyMasterBackAfterTheFailoverIsPromotedBackAndEmptiesTheNewMaster() {
        try (RedisSentinels env = RedisSentinels.start(7234, 26474, PLAIN); RedisStore store = store(env)) {
            RedisNode oldMaster = env.master;
            RedisNode newMaster = env.replica;
            writeRecords(store);
            failOverAndBack(env, oldMaster, newMaster);
            // the node the sentinels now name as master is the restarted one, and it holds nothing
            assertThat(keys(oldMaster)).isZero();
            // and the sentinels demote the node that had every record into a replica of the empty one (some 10 s
            // later), which resynchronises from it: no copy of any record is left
            RedisNode.await("the sentinels to demote the node that held the records", Duration.ofSeconds(40),
                    () -> linkUp(newMaster) && keys(newMaster) == 0);
            assertThat(env.events("+convert-to-slave")).anyMatch(l -> l.contains("slave 127.0.0.1:" + newMaster.port));
            assertAllRecordsGone(store);
        }
    }

    @Test
    void withItsDataTheOldMasterPromotedBackKeepsEveryRecord() {
        try (RedisSentinels env = RedisSentinels.start(7237, 26477, DURABLE); RedisStore store = store(env)) {
            RedisNode oldMaster = env.master;
            writeRecords(store);
            failOverAndBack(env, oldMaster, env.replica);
            assertThat(keys(oldMaster)).as("the restarted master loaded its AOF").isEqualTo(RECORDS);
            RedisNode.await("the store to read every record from the master promoted back", Duration.ofSeconds(20),
                    () -> completed(store) == RECORDS);
        }
    }

    /**
     * Kills the master, waits until the sentinels have promoted the replica, restarts the old master (with or
     * without its data, as its settings say), and, while it is back as a master that the sentinels have not demoted
     * yet (they take about 10 s), has a sentinel fail over once more. A forced failover makes it certain; a stall of
     * the new master longer than down-after (an overloaded host) has the sentinels do the same on their own.
     */
    private static void failOverAndBack(RedisSentinels env, RedisNode oldMaster, RedisNode newMaster) {
        oldMaster.kill();
        RedisNode.await("the sentinels to promote the replica", Duration.ofSeconds(30),
                () -> env.reportedMasterPort() == newMaster.port);
        oldMaster.restart();
        assertThat(role(oldMaster)).as("the restarted node is a master until the sentinels demote it")
                .isEqualTo("master");
        RedisNode.await("a sentinel to accept a failover (it picks the restarted node, the only replica it knows)",
                Duration.ofSeconds(10), () -> {
                    try (Jedis sentinel = SharedRedis.jedis(env.sentinels.get(0))) {
                        return "OK".equals(sentinel.sentinelFailover(RedisSentinels.MASTER_NAME));
                    } catch (RuntimeException e) { // NOGOODSLAVE until it has the restarted node's INFO
                        return false;
                    }
                });
        RedisNode.await("the second failover, to the restarted node", Duration.ofSeconds(30),
                () -> env.reportedMasterPort() == oldMaster.port);
        RedisNode.await("the sentinels to switch to the restarted node", Duration.ofSeconds(10),
                () -> env.events("+switch-master").stream()
                        .anyMatch(l -> l.endsWith(newMaster.port + " 127.0.0.1 " + oldMaster.port)));
    }

    private static RedisStore store(RedisSentinels env) {
        return RedisStore.create(env.uri() + "?durableCompletion=1&durableCompletionTimeout=1s&connectTimeout=300ms"
                + "&socketTimeout=2s");
    }

    private static void writeRecords(RedisStore store) {
        for (int i = 0; i < RECORDS; i++) {
            String key = "r-" + i;
            assertThat(store.claim("ns", key, "owner", "fp", Duration.ofSeconds(30))).isEqualTo(ClaimResult.CLAIMED);
            assertThat(store.complete("ns", key, "owner", Outcome.value("\"v\""), Duration.ofMinutes(10))).isTrue();
        }
        assertThat(store.completionsShortOfReplicas()).as("each record was on the replica when complete returned")
                .isZero();
    }

    /** What the store sees once the master is empty: no record, so a retry of any of these keys runs again. */
    private static void assertAllRecordsGone(RedisStore store) {
        RedisNode.await("the store to read from the current master", Duration.ofSeconds(20),
                () -> completed(store) == 0);
        assertThat(store.claim("ns", "r-0", "a retry", "fp", Duration.ofSeconds(30)))
                .as("a completed key is claimed, and its method would run, again").isEqualTo(ClaimResult.CLAIMED);
    }

    /** Records the store reads as completed, or -1 while it cannot read (it follows a failover). */
    private static int completed(RedisStore store) {
        int n = 0;
        try {
            for (int i = 0; i < RECORDS; i++) {
                StoredRecord r = store.read("ns", "r-" + i);
                if (r != null && r.isCompleted()) {
                    n++;
                }
            }
        } catch (RuntimeException e) {
            return -1;
        }
        return n;
    }

    private static long keys(RedisNode node) {
        try (Jedis jedis = SharedRedis.jedis(node)) {
            return jedis.dbSize();
        }
    }

    private static boolean linkUp(RedisNode node) {
        try (Jedis jedis = SharedRedis.jedis(node)) {
            return jedis.info("replication").contains("master_link_status:up");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String role(RedisNode node) {
        try (Jedis jedis = SharedRedis.jedis(node)) {
            return jedis.role().get(0).toString();
        }
    }
}
