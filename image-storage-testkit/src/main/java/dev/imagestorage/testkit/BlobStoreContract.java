package dev.imagestorage.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.hash.Hashing;
import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.SupportsUnfinishedUploadCleanup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests every documented outcome of {@link BlobStore}, and of {@link SupportsUnfinishedUploadCleanup} when the store
 * implements it. A backend's test extends this class and implements {@link #newStore()}. JUnit sets the subclass's
 * fields, such as a {@code @TempDir}, before {@code newStore} runs. Every stream a test opens is closed before the
 * test ends, so a subclass can check for leaked streams in an {@code @AfterEach} method.
 */
public abstract class BlobStoreContract {
    private static final BlobKey KEY = BlobKey.of("image-1.raw");
    private static final int FIVE_MEBIBYTES = 5 * 1024 * 1024;
    private static final int THREADS = 8;

    /** The store under test, created by {@link #newStore()} before each test. */
    protected BlobStore store;

    /** Returns an empty store. It is called once before each test. */
    protected abstract BlobStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void putReturnsSizeAndSha256() {
        byte[] content = randomBytes(10_000, 1);

        BlobInfo info = store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(info.key()).isEqualTo(KEY);
        assertThat(info.sizeBytes()).isEqualTo(content.length);
        assertThat(info.sha256()).isEqualTo(sha256(content));
    }

    @Test
    void putThenOpenRoundTrips() {
        byte[] content = randomBytes(10_000, 2);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(readAll(store.open(KEY))).isEqualTo(content);
    }

    @Test
    void statMatchesPut() {
        byte[] content = randomBytes(10_000, 3);
        BlobInfo put = store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(store.stat(KEY)).contains(put);
        assertThat(store.stat(KEY).orElseThrow().sha256()).isEqualTo(sha256(content));
    }

    @Test
    void statMissingKeyReturnsEmpty() {
        assertThat(store.stat(KEY)).isEmpty();
    }

    @Test
    void emptyBlobRoundTrips() {
        BlobInfo info = store.put(KEY, new ByteArrayInputStream(new byte[0]), Optional.empty());

        assertThat(info.sizeBytes()).isZero();
        assertThat(info.sha256()).isEqualTo(sha256(new byte[0]));
        assertThat(store.stat(KEY)).contains(info);
        assertThat(readAll(store.open(KEY))).isEmpty();
        assertThat(readAll(store.open(KEY, 0, 10))).isEmpty();
    }

    @Test
    void fiveMebibyteBlobRoundTrips() {
        byte[] content = randomBytes(FIVE_MEBIBYTES, 4);

        BlobInfo info = store.put(KEY, TestStreams.chunked(content, 8191), Optional.of(sha256(content)));

        assertThat(info.sizeBytes()).isEqualTo(FIVE_MEBIBYTES);
        assertThat(info.sha256()).isEqualTo(sha256(content));
        assertThat(store.stat(KEY)).contains(info);
        assertThat(readAll(store.open(KEY))).isEqualTo(content);
    }

    @Test
    void putReadsContentToEndWithoutClosing() throws IOException {
        CloseRecordingStream content = new CloseRecordingStream(bytes("some content"));

        store.put(KEY, content, Optional.empty());

        assertThat(content.read()).isEqualTo(-1);
        assertThat(content.closed).isFalse();
    }

    @Test
    void putWithMatchingChecksumStores() {
        byte[] content = bytes("checked content");

        BlobInfo info = store.put(KEY, new ByteArrayInputStream(content), Optional.of(sha256(content)));

        assertThat(info.sha256()).isEqualTo(sha256(content));
        assertThat(readAll(store.open(KEY))).isEqualTo(content);
    }

    @Test
    void putWithChecksumMismatchThrows() {
        byte[] content = bytes("actual content");
        String expected = sha256(bytes("other content"));

        assertThatThrownBy(() -> store.put(KEY, new ByteArrayInputStream(content), Optional.of(expected)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(KEY.value())
                .hasMessageContaining(expected)
                .hasMessageContaining(sha256(content))
                .satisfies(e -> {
                    ChecksumMismatchException mismatch = (ChecksumMismatchException) e;
                    assertThat(mismatch.key()).isEqualTo(KEY.value());
                    assertThat(mismatch.expectedSha256()).isEqualTo(expected);
                    assertThat(mismatch.actualSha256()).isEqualTo(sha256(content));
                });
        assertNoBlob(KEY);
    }

    @Test
    void putWithMalformedChecksumRejected() {
        String upperCase = sha256(bytes("content")).toUpperCase(Locale.ROOT);

        assertThatThrownBy(() -> store.put(KEY, new ByteArrayInputStream(bytes("content")), Optional.of(upperCase)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(upperCase);
        assertNoBlob(KEY);
    }

    @Test
    void putExistingKeyConflicts() {
        byte[] first = bytes("first");
        store.put(KEY, new ByteArrayInputStream(first), Optional.empty());

        assertThatThrownBy(() -> store.put(KEY, new ByteArrayInputStream(bytes("second")), Optional.empty()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.value())
                .satisfies(e -> assertThat(((ConflictException) e).key()).isEqualTo(KEY.value()));
        assertThat(readAll(store.open(KEY))).isEqualTo(first);
        assertThat(store.stat(KEY).orElseThrow().sha256()).isEqualTo(sha256(first));
    }

    @Test
    void putAfterDeleteStoresNewContent() {
        store.put(KEY, new ByteArrayInputStream(bytes("first")), Optional.empty());
        store.delete(KEY);

        BlobInfo info = store.put(KEY, new ByteArrayInputStream(bytes("second")), Optional.empty());

        assertThat(info.sha256()).isEqualTo(sha256(bytes("second")));
        assertThat(readAll(store.open(KEY))).isEqualTo(bytes("second"));
    }

    @Test
    void contentIoExceptionLeavesNoBlob() {
        IOException failure = new IOException("connection reset by the test");
        InputStream content = TestStreams.failingAfter(randomBytes(300_000, 5), failure);

        assertThatThrownBy(() -> store.put(KEY, content, Optional.empty()))
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining(KEY.value())
                .hasCause(failure)
                .satisfies(e -> assertThat(((StorageIoException) e).key()).isEqualTo(KEY.value()));
        assertNoBlob(KEY);

        byte[] retried = bytes("retried content");
        store.put(KEY, new ByteArrayInputStream(retried), Optional.empty());
        assertThat(readAll(store.open(KEY))).isEqualTo(retried);
    }

    @Test
    void contentUncheckedExceptionPropagatesAsIs() {
        IllegalStateException failure = new IllegalStateException("decoder failed in the test");
        InputStream content = TestStreams.failingAfter(randomBytes(300_000, 6), failure);

        assertThatThrownBy(() -> store.put(KEY, content, Optional.empty())).isSameAs(failure);
        assertNoBlob(KEY);

        byte[] retried = bytes("retried content");
        store.put(KEY, new ByteArrayInputStream(retried), Optional.empty());
        assertThat(readAll(store.open(KEY))).isEqualTo(retried);
    }

    @Test
    void openMissingKeyThrowsNotFound() {
        assertThatThrownBy(() -> store.open(KEY))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(KEY.value())
                .satisfies(e -> {
                    assertThat(((NotFoundException) e).kind()).isEqualTo("blob");
                    assertThat(((NotFoundException) e).id()).isEqualTo(KEY.value());
                });
    }

    @Test
    void rangedOpenMissingKeyThrowsNotFound() {
        assertThatThrownBy(() -> store.open(KEY, 10, 10))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(KEY.value());
    }

    @Test
    void rangedOpenAtStart() {
        byte[] content = randomBytes(1000, 7);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(readAll(store.open(KEY, 0, 100))).isEqualTo(Arrays.copyOfRange(content, 0, 100));
    }

    @Test
    void rangedOpenInMiddle() {
        byte[] content = randomBytes(1000, 8);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(readAll(store.open(KEY, 400, 200))).isEqualTo(Arrays.copyOfRange(content, 400, 600));
    }

    @Test
    void rangedOpenPastEndIsShort() {
        byte[] content = randomBytes(1000, 9);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(readAll(store.open(KEY, 900, 500))).isEqualTo(Arrays.copyOfRange(content, 900, 1000));
    }

    @Test
    void rangedOpenWithMaxLengthReadsToEnd() {
        byte[] content = randomBytes(1000, 10);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        assertThat(readAll(store.open(KEY, 1, Long.MAX_VALUE))).isEqualTo(Arrays.copyOfRange(content, 1, 1000));
    }

    @Test
    void rangedOpenBeyondEndIsEmpty() {
        store.put(KEY, new ByteArrayInputStream(randomBytes(1000, 11)), Optional.empty());

        assertThat(readAll(store.open(KEY, 1000, 10))).isEmpty();
        assertThat(readAll(store.open(KEY, 5000, 10))).isEmpty();
        assertThat(readAll(store.open(KEY, Long.MAX_VALUE, Long.MAX_VALUE))).isEmpty();
    }

    @Test
    void rangedOpenZeroLengthIsEmpty() {
        store.put(KEY, new ByteArrayInputStream(randomBytes(1000, 12)), Optional.empty());

        assertThat(readAll(store.open(KEY, 10, 0))).isEmpty();
    }

    @Test
    void rangedOpenNegativeOffsetRejected() {
        store.put(KEY, new ByteArrayInputStream(randomBytes(1000, 13)), Optional.empty());

        assertThatThrownBy(() -> store.open(KEY, -1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void rangedOpenNegativeLengthRejected() {
        store.put(KEY, new ByteArrayInputStream(randomBytes(1000, 14)), Optional.empty());

        assertThatThrownBy(() -> store.open(KEY, 0, -5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
    }

    @Test
    void deleteReturnsTrueThenFalse() {
        store.put(KEY, new ByteArrayInputStream(bytes("content")), Optional.empty());

        assertThat(store.delete(KEY)).isTrue();
        assertThat(store.delete(KEY)).isFalse();

        assertNoBlob(KEY);
    }

    @Test
    void deleteMissingKeyReturnsFalse() {
        assertThat(store.delete(KEY)).isFalse();
    }

    @Test
    void keysAreIndependent() {
        BlobKey other = BlobKey.of("image-2.raw");
        store.put(KEY, new ByteArrayInputStream(bytes("first")), Optional.empty());
        store.put(other, new ByteArrayInputStream(bytes("second")), Optional.empty());

        store.delete(KEY);

        assertNoBlob(KEY);
        assertThat(readAll(store.open(other))).isEqualTo(bytes("second"));
    }

    @Test
    void concurrentPutsHaveOneWinner() {
        List<Race.Outcome<BlobInfo>> outcomes = Race.run(THREADS,
                thread -> store.put(KEY, TestStreams.chunked(randomBytes(200_000, 100 + thread), 4096),
                        Optional.empty()));

        List<BlobInfo> winners = outcomes.stream().filter(Race.Outcome::succeeded).map(Race.Outcome::value).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes.stream().filter(outcome -> !outcome.succeeded()))
                .hasSize(THREADS - 1)
                .allSatisfy(outcome -> assertThat(outcome.failure()).isInstanceOf(ConflictException.class));
        assertThat(store.stat(KEY)).contains(winners.get(0));
        assertThat(sha256(readAll(store.open(KEY)))).isEqualTo(winners.get(0).sha256());
    }

    @Test
    void cleanupKeepsCompleteBlobs() {
        assumeTrue(store instanceof SupportsUnfinishedUploadCleanup, "the store does not support upload cleanup");
        BlobInfo info = store.put(KEY, new ByteArrayInputStream(bytes("complete")), Optional.empty());

        int removed = ((SupportsUnfinishedUploadCleanup) store).deleteUnfinishedUploads(Duration.ZERO);

        assertThat(removed).isZero();
        assertThat(store.stat(KEY)).contains(info);
    }

    @Test
    void cleanupRejectsNegativeAge() {
        assumeTrue(store instanceof SupportsUnfinishedUploadCleanup, "the store does not support upload cleanup");
        SupportsUnfinishedUploadCleanup cleanup = (SupportsUnfinishedUploadCleanup) store;

        assertThatThrownBy(() -> cleanup.deleteUnfinishedUploads(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
    }

    /** Asserts that {@code key} has no blob, through both {@link BlobStore#stat} and {@link BlobStore#open}. */
    protected void assertNoBlob(BlobKey key) {
        assertThat(store.stat(key)).isEmpty();
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(NotFoundException.class);
    }

    /** Reads {@code stream} to its end and closes it. */
    protected static byte[] readAll(InputStream stream) {
        try (stream) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the lower-case hex SHA-256 of {@code content}, computed with Guava. */
    protected static String sha256(byte[] content) {
        return Hashing.sha256().hashBytes(content).toString();
    }

    /** Returns {@code length} pseudo-random bytes that depend only on {@code seed}. */
    protected static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static final class CloseRecordingStream extends ByteArrayInputStream {
        private boolean closed;

        CloseRecordingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
