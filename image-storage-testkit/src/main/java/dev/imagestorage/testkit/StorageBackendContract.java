package dev.imagestorage.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests how a {@link StorageBackend} hands out its stores: one metadata store, and one blob store per region whose
 * blobs no other region sees. A backend's test extends this class and implements {@link #newBackend()}. The
 * {@link MetadataStoreContract} and {@link BlobStoreContract} cover the stores themselves.
 */
public abstract class StorageBackendContract {
    private static final RegionId JP1 = RegionId.of("JP1");
    private static final RegionId US1 = RegionId.of("US1");
    private static final BlobKey KEY = BlobKey.of("image-1.raw");

    /** The backend under test, created by {@link #newBackend()} before each test and closed after it. */
    protected StorageBackend backend;

    /** Returns a backend with no data. It is called once before each test. */
    protected abstract StorageBackend newBackend();

    @BeforeEach
    void createBackend() {
        backend = newBackend();
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @Test
    void metadataCallsShareDocuments() {
        MetadataKey key = MetadataKey.of("images", "img-1");
        backend.metadata().create(key, bytes("document"));

        assertThat(backend.metadata().get(key).orElseThrow().value()).isEqualTo(bytes("document"));
    }

    @Test
    void blobsCallsShareRegionData() {
        backend.blobs(JP1).put(KEY, new ByteArrayInputStream(bytes("content")), Optional.empty());

        assertThat(readAll(backend.blobs(JP1).open(KEY))).isEqualTo(bytes("content"));
    }

    @Test
    void regionsAreIsolated() {
        backend.blobs(JP1).put(KEY, new ByteArrayInputStream(bytes("in JP1")), Optional.empty());

        assertThat(backend.blobs(US1).stat(KEY)).isEmpty();
        backend.blobs(US1).put(KEY, new ByteArrayInputStream(bytes("in US1")), Optional.empty());
        assertThat(readAll(backend.blobs(JP1).open(KEY))).isEqualTo(bytes("in JP1"));
        assertThat(readAll(backend.blobs(US1).open(KEY))).isEqualTo(bytes("in US1"));

        assertThat(backend.blobs(US1).delete(KEY)).isTrue();
        assertThat(backend.blobs(JP1).stat(KEY)).isPresent();
    }

    @Test
    void closeTwiceIsSafe() {
        backend.close();
        backend.close();
    }

    private static byte[] readAll(InputStream stream) {
        try (stream) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
