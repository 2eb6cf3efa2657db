package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.ConflictException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.VersionedValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two storages opened on one root, as two processes would open it. */
class SharedRootTest {
    private static final MetadataKey KEY = MetadataKey.parse("images/img-1");
    private static final RegionId JP1 = RegionId.of("JP1");

    @TempDir
    Path root;

    private FileSystemStorage first;
    private FileSystemStorage second;

    @BeforeEach
    void openTwice() {
        first = FileSystemStorage.open(root);
        // A second spelling of the same root must still share locks with the first.
        second = FileSystemStorage.open(root.resolve("metadata").resolve(".."));
    }

    @AfterEach
    void closeBoth() {
        first.close();
        second.close();
    }

    @Test
    void metadataWritesVisibleToOther() {
        String version = first.metadata().create(KEY, bytes("from first"));

        VersionedValue seen = second.metadata().get(KEY).orElseThrow();

        assertThat(seen.value()).isEqualTo(bytes("from first"));
        assertThat(seen.version()).isEqualTo(version);
        assertThat(second.metadata().list(MetadataKey.of("images"))).containsExactly(KEY);
    }

    @Test
    void metadataConflictsAcrossStorages() {
        String version = first.metadata().create(KEY, bytes("one"));

        assertThatThrownBy(() -> second.metadata().create(KEY, bytes("two")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
        String replaced = second.metadata().replace(KEY, bytes("two"), version);
        assertThatThrownBy(() -> first.metadata().replace(KEY, bytes("three"), version))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());
        assertThatThrownBy(() -> first.metadata().delete(KEY, version))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.toString());

        assertThat(first.metadata().delete(KEY, replaced)).isTrue();
        assertThat(second.metadata().get(KEY)).isEmpty();
    }

    @Test
    void blobsVisibleAndConflictAcrossStorages() throws IOException {
        BlobKey key = BlobKey.of("img-1");
        first.blobs(JP1).put(key, new ByteArrayInputStream(bytes("from first")), Optional.empty());

        try (InputStream stream = second.blobs(JP1).open(key)) {
            assertThat(stream.readAllBytes()).isEqualTo(bytes("from first"));
        }
        assertThatThrownBy(() -> second.blobs(JP1).put(key, new ByteArrayInputStream(bytes("from second")),
                Optional.empty()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(key.value());
        assertThat(second.blobs(JP1).delete(key)).isTrue();
        assertThat(first.blobs(JP1).stat(key)).isEmpty();
    }

    @Test
    void interleavedIncrementsCountExactly() throws Exception {
        int threadsPerStorage = 4;
        int incrementsPerThread = 25;
        first.metadata().create(KEY, bytes("0"));

        ExecutorService executor = Executors.newFixedThreadPool(2 * threadsPerStorage);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threadsPerStorage; i++) {
                futures.add(executor.submit(() -> increment(first.metadata(), incrementsPerThread)));
                futures.add(executor.submit(() -> increment(second.metadata(), incrementsPerThread)));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }

        assertThat(new String(second.metadata().get(KEY).orElseThrow().value(), UTF_8))
                .isEqualTo(Integer.toString(2 * threadsPerStorage * incrementsPerThread));
    }

    /** Adds one to the counter under {@link #KEY} {@code count} times, retrying each increment on a conflict. */
    static void increment(MetadataStore store, int count) {
        for (int i = 0; i < count; i++) {
            while (true) {
                VersionedValue current = store.get(KEY).orElseThrow();
                int next = Integer.parseInt(new String(current.value(), UTF_8)) + 1;
                try {
                    store.replace(KEY, bytes(Integer.toString(next)), current.version());
                    break;
                } catch (ConflictException e) {
                    // Another writer won this round: read the new value and try again.
                }
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
