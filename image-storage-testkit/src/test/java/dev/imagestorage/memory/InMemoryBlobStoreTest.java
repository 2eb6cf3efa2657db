package dev.imagestorage.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.testkit.BlobStoreContract;
import dev.imagestorage.testkit.BlockingInputStream;
import dev.imagestorage.testkit.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryBlobStoreTest extends BlobStoreContract {
    private static final BlobKey KEY = BlobKey.of("image-1.raw");

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore(clock);
    }

    @AfterEach
    void checkStreamsClosed() {
        memoryStore().assertNoOpenStreams();
    }

    @Test
    void openStreamsCountedUntilClosed() throws Exception {
        store.put(KEY, new ByteArrayInputStream(bytes("content")), Optional.empty());

        InputStream whole = store.open(KEY);
        InputStream ranged = store.open(KEY, 3, 2);
        assertThat(memoryStore().openStreamCount()).isEqualTo(2);

        whole.close();
        assertThat(memoryStore().openStreamCount()).isEqualTo(1);
        assertThatThrownBy(() -> memoryStore().assertNoOpenStreams())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 stream(s)")
                .hasMessageContaining("blob 'image-1.raw' at offset 3");

        ranged.close();
        ranged.close();
        assertThat(memoryStore().openStreamCount()).isZero();
    }

    @Test
    void streamSurvivesDelete() throws Exception {
        store.put(KEY, new ByteArrayInputStream(bytes("content")), Optional.empty());

        try (InputStream stream = store.open(KEY)) {
            store.delete(KEY);
            assertThat(stream.readAllBytes()).isEqualTo(bytes("content"));
        }
    }

    @Test
    void cleanupRemovesOldUnfinishedPut() throws Exception {
        BlockingInputStream content = new BlockingInputStream(bytes("first part"));
        CompletableFuture<BlobInfo> put = CompletableFuture.supplyAsync(
                () -> store.put(KEY, content, Optional.empty()));
        content.awaitBlocked();
        assertThat(memoryStore().unfinishedUploadCount()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        int removed = memoryStore().deleteUnfinishedUploads(Duration.ofMinutes(1));
        content.release();

        assertThat(removed).isEqualTo(1);
        assertThatThrownBy(() -> put.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining("image-1.raw")
                .hasMessageContaining("deleteUnfinishedUploads");
        assertNoBlob(KEY);
        assertThat(memoryStore().unfinishedUploadCount()).isZero();
    }

    @Test
    void cleanupKeepsYoungUnfinishedPut() throws Exception {
        BlockingInputStream content = new BlockingInputStream(bytes("first part"));
        CompletableFuture<BlobInfo> put = CompletableFuture.supplyAsync(
                () -> store.put(KEY, content, Optional.empty()));
        content.awaitBlocked();

        clock.advance(Duration.ofSeconds(30));
        int removed = memoryStore().deleteUnfinishedUploads(Duration.ofMinutes(1));
        content.release();

        assertThat(removed).isZero();
        assertThat(put.get(10, TimeUnit.SECONDS).sizeBytes()).isEqualTo("first part".length());
        assertThat(store.stat(KEY)).isPresent();
    }

    private InMemoryBlobStore memoryStore() {
        return (InMemoryBlobStore) store;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
