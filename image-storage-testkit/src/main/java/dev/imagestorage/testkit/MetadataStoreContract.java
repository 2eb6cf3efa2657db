package dev.imagestorage.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.ConflictException;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.VersionedValue;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests every documented outcome of {@link MetadataStore}. A backend's test extends this class and implements
 * {@link #newStore()}. JUnit sets the subclass's fields, such as a {@code @TempDir}, before {@code newStore} runs.
 */
public abstract class MetadataStoreContract {
    private static final MetadataKey KEY = MetadataKey.of("images", "img-1");
    private static final int THREADS = 8;
    private static final int INCREMENTS_PER_THREAD = 20;

    /** The store under test, created by {@link #newStore()} before each test. */
    protected MetadataStore store;

    /** Returns an empty store. It is called once before each test. */
    protected abstract MetadataStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void getMissingKeyReturnsEmpty() {
        assertThat(store.get(KEY)).isEmpty();
    }

    @Test
    void createThenGetReturnsValueAndVersion() {
        String version = store.create(KEY, bytes("{\"name\":\"ubuntu\"}"));

        VersionedValue stored = store.get(KEY).orElseThrow();
        assertThat(stored.value()).isEqualTo(bytes("{\"name\":\"ubuntu\"}"));
        assertThat(stored.version()).isEqualTo(version);
    }

    @Test
    void getRepeatsVersionUntilWrite() {
        store.create(KEY, bytes("one"));

        String first = store.get(KEY).orElseThrow().version();
        String second = store.get(KEY).orElseThrow().version();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void createCopiesCallerArray() {
        byte[] value = bytes("original");
        store.create(KEY, value);

        value[0] = 'X';

        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("original"));
    }

    @Test
    void createExistingKeyConflicts() {
        store.create(KEY, bytes("first"));

        assertThatThrownBy(() -> store.create(KEY, bytes("second")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString())
                .satisfies(e -> assertThat(((ConflictException) e).key()).isEqualTo(KEY.toString()));
        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("first"));
    }

    @Test
    void replaceWithCurrentVersion() {
        String first = store.create(KEY, bytes("one"));

        String second = store.replace(KEY, bytes("two"), first);

        assertThat(second).isNotEqualTo(first);
        VersionedValue stored = store.get(KEY).orElseThrow();
        assertThat(stored.value()).isEqualTo(bytes("two"));
        assertThat(stored.version()).isEqualTo(second);
    }

    @Test
    void replaceWithSameValueChangesVersion() {
        String first = store.create(KEY, bytes("same"));

        String second = store.replace(KEY, bytes("same"), first);

        assertThat(second).isNotEqualTo(first);
        assertThatThrownBy(() -> store.replace(KEY, bytes("other"), first))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
    }

    @Test
    void replaceWithStaleVersionConflicts() {
        String first = store.create(KEY, bytes("one"));
        store.replace(KEY, bytes("two"), first);

        assertThatThrownBy(() -> store.replace(KEY, bytes("three"), first))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString())
                .satisfies(e -> assertThat(((ConflictException) e).key()).isEqualTo(KEY.toString()));
        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("two"));
    }

    @Test
    void replaceWithUnknownVersionConflicts() {
        store.create(KEY, bytes("one"));

        assertThatThrownBy(() -> store.replace(KEY, bytes("two"), "no-such-version"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("one"));
    }

    @Test
    void replaceMissingKeyConflicts() {
        assertThatThrownBy(() -> store.replace(KEY, bytes("two"), "no-such-version"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
        assertThat(store.get(KEY)).isEmpty();
    }

    @Test
    void deleteWithCurrentVersion() {
        String version = store.create(KEY, bytes("one"));

        assertThat(store.delete(KEY, version)).isTrue();

        assertThat(store.get(KEY)).isEmpty();
    }

    @Test
    void deleteWithStaleVersionConflicts() {
        String first = store.create(KEY, bytes("one"));
        store.replace(KEY, bytes("two"), first);

        assertThatThrownBy(() -> store.delete(KEY, first))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString())
                .satisfies(e -> assertThat(((ConflictException) e).key()).isEqualTo(KEY.toString()));
        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("two"));
    }

    @Test
    void deleteAbsentKeyReturnsFalse() {
        assertThat(store.delete(KEY, "no-such-version")).isFalse();
        assertThat(store.delete(KEY, "no-such-version")).isFalse();
    }

    @Test
    void deleteTwiceReturnsFalseSecondTime() {
        String version = store.create(KEY, bytes("one"));

        assertThat(store.delete(KEY, version)).isTrue();
        assertThat(store.delete(KEY, version)).isFalse();
    }

    @Test
    void recreatedKeyRejectsOldVersion() {
        String old = store.create(KEY, bytes("same"));
        store.delete(KEY, old);

        String recreated = store.create(KEY, bytes("same"));

        assertThat(recreated).isNotEqualTo(old);
        assertThatThrownBy(() -> store.replace(KEY, bytes("other"), old))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
        assertThatThrownBy(() -> store.delete(KEY, old))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(recreated);
    }

    @Test
    void emptyValueRoundTrips() {
        String version = store.create(KEY, new byte[0]);

        VersionedValue stored = store.get(KEY).orElseThrow();
        assertThat(stored.value()).isEmpty();
        assertThat(stored.version()).isEqualTo(version);
    }

    @Test
    void binaryValueRoundTrips() {
        byte[] value = new byte[4 * 256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }

        store.create(KEY, value);

        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(value);
    }

    @Test
    void headerLikeValueRoundTrips() {
        // Backends that prefix the stored bytes with a header line must not confuse a value that looks like one.
        byte[] value = bytes("version 12\nimagestorage 1 abc\n\n\r\n");

        store.create(KEY, value);
        store.create(KEY.child("empty-line"), bytes("\n"));

        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(value);
        assertThat(store.get(KEY.child("empty-line")).orElseThrow().value()).isEqualTo(bytes("\n"));
    }

    @Test
    void largeValueRoundTrips() {
        byte[] value = new byte[1024 * 1024];
        new Random(42).nextBytes(value);

        store.create(KEY, value);

        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(value);
    }

    @Test
    void replacedValueRoundTrips() {
        String version = store.create(KEY, bytes("a much longer first value"));

        store.replace(KEY, bytes("short"), version);

        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes("short"));
    }

    @Test
    void parentAndChildKeysIndependent() {
        MetadataKey parent = MetadataKey.of("images");
        MetadataKey child = MetadataKey.of("images", "img-1");
        String parentVersion = store.create(parent, bytes("parent"));
        store.create(child, bytes("child"));

        assertThat(store.get(parent).orElseThrow().value()).isEqualTo(bytes("parent"));
        assertThat(store.get(child).orElseThrow().value()).isEqualTo(bytes("child"));

        assertThat(store.delete(parent, parentVersion)).isTrue();
        assertThat(store.get(parent)).isEmpty();
        assertThat(store.get(child).orElseThrow().value()).isEqualTo(bytes("child"));
    }

    @Test
    void dottedSegmentsDoNotCollide() {
        // File-based backends add suffixes to names, so keys that end in such suffixes must stay distinct documents.
        List<MetadataKey> keys = List.of(
                MetadataKey.parse("p/x"),
                MetadataKey.parse("p/x.json"),
                MetadataKey.parse("p/x.meta"),
                MetadataKey.parse("p/x.d"),
                MetadataKey.parse("p/x.tmp"),
                MetadataKey.parse("p/x.lock"),
                MetadataKey.parse("p/x/y"),
                MetadataKey.parse("p/x.json/y"),
                MetadataKey.parse("p/x.meta/y"),
                MetadataKey.parse("p/x.d/y"));
        for (MetadataKey key : keys) {
            store.create(key, bytes(key.toString()));
        }

        for (MetadataKey key : keys) {
            assertThat(store.get(key).orElseThrow().value()).as(key.toString()).isEqualTo(bytes(key.toString()));
        }
        assertThat(store.list(MetadataKey.of("p"))).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(store.list(MetadataKey.parse("p/x.meta"))).containsExactly(MetadataKey.parse("p/x.meta/y"));
    }

    @Test
    void listReturnsDescendantsSorted() {
        store.create(MetadataKey.parse("images/b"), bytes("b"));
        store.create(MetadataKey.parse("images/a/x"), bytes("a/x"));
        store.create(MetadataKey.parse("images/a"), bytes("a"));
        store.create(MetadataKey.parse("images"), bytes("prefix itself"));
        store.create(MetadataKey.parse("imagesx/1"), bytes("shares a string prefix"));
        store.create(MetadataKey.parse("other/1"), bytes("elsewhere"));

        assertThat(store.list(MetadataKey.of("images"))).containsExactly(
                MetadataKey.parse("images/a"),
                MetadataKey.parse("images/a/x"),
                MetadataKey.parse("images/b"));
    }

    @Test
    void listExcludesStringPrefixSiblings() {
        store.create(MetadataKey.parse("images/ab/1"), bytes("under ab"));
        store.create(MetadataKey.parse("images/abc"), bytes("abc"));
        store.create(MetadataKey.parse("images/abc/1"), bytes("under abc"));
        store.create(MetadataKey.parse("images/ab-c"), bytes("ab-c"));

        assertThat(store.list(MetadataKey.parse("images/ab"))).containsExactly(MetadataKey.parse("images/ab/1"));
    }

    @Test
    void listSortsByRenderedKey() {
        // '-' and '.' sort before '/', so "p/a-b" and "p/a.x" come before "p/a/c" although "a" is a prefix of them.
        store.create(MetadataKey.parse("p/a/c"), bytes("1"));
        store.create(MetadataKey.parse("p/a.x"), bytes("2"));
        store.create(MetadataKey.parse("p/a-b"), bytes("3"));
        store.create(MetadataKey.parse("p/a"), bytes("4"));
        store.create(MetadataKey.parse("p/B"), bytes("5"));

        assertThat(store.list(MetadataKey.of("p"))).containsExactly(
                MetadataKey.parse("p/B"),
                MetadataKey.parse("p/a"),
                MetadataKey.parse("p/a-b"),
                MetadataKey.parse("p/a.x"),
                MetadataKey.parse("p/a/c"));
    }

    @Test
    void listMissingPrefixReturnsEmpty() {
        store.create(MetadataKey.parse("images/a"), bytes("a"));

        assertThat(store.list(MetadataKey.of("jobs"))).isEmpty();
        assertThat(store.list(MetadataKey.parse("images/a"))).isEmpty();
    }

    @Test
    void listOmitsDeletedKeys() {
        String version = store.create(MetadataKey.parse("images/a"), bytes("a"));
        store.create(MetadataKey.parse("images/b"), bytes("b"));

        store.delete(MetadataKey.parse("images/a"), version);

        assertThat(store.list(MetadataKey.of("images"))).containsExactly(MetadataKey.parse("images/b"));
    }

    @Test
    void concurrentIncrementsCountExactly() {
        MetadataKey counter = MetadataKey.of("counters", "uploads");
        store.create(counter, bytes("0"));

        List<Race.Outcome<Integer>> outcomes = Race.run(THREADS, thread -> {
            int conflicts = 0;
            for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
                while (true) {
                    VersionedValue current = store.get(counter).orElseThrow();
                    int next = Integer.parseInt(new String(current.value(), UTF_8)) + 1;
                    try {
                        store.replace(counter, bytes(Integer.toString(next)), current.version());
                        break;
                    } catch (ConflictException e) {
                        conflicts++;
                    }
                }
            }
            return conflicts;
        });

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.failure()).isNull());
        assertThat(new String(store.get(counter).orElseThrow().value(), UTF_8))
                .isEqualTo(Integer.toString(THREADS * INCREMENTS_PER_THREAD));
    }

    @Test
    void concurrentCreateHasOneWinner() {
        List<Race.Outcome<String>> outcomes = Race.run(THREADS, thread -> {
            store.create(KEY, bytes("writer-" + thread));
            return "writer-" + thread;
        });

        List<String> winners = outcomes.stream().filter(Race.Outcome::succeeded).map(Race.Outcome::value).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes.stream().filter(outcome -> !outcome.succeeded()))
                .hasSize(THREADS - 1)
                .allSatisfy(outcome -> assertThat(outcome.failure()).isInstanceOf(ConflictException.class));
        assertThat(store.get(KEY).orElseThrow().value()).isEqualTo(bytes(winners.get(0)));
    }

    @Test
    void concurrentDeleteHasOneWinner() {
        String version = store.create(KEY, bytes("one"));

        List<Race.Outcome<Boolean>> outcomes = Race.run(THREADS, thread -> store.delete(KEY, version));

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.failure()).isNull());
        assertThat(outcomes.stream().filter(outcome -> outcome.value())).hasSize(1);
        assertThat(store.get(KEY)).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
