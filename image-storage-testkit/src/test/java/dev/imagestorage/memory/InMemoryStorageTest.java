package dev.imagestorage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.StorageBackend;
import dev.imagestorage.testkit.StorageBackendContract;
import org.junit.jupiter.api.Test;

class InMemoryStorageTest extends StorageBackendContract {
    private static final RegionId JP1 = RegionId.of("JP1");

    @Override
    protected StorageBackend newBackend() {
        return InMemoryStorage.create();
    }

    @Test
    void blobsReturnsOneStorePerRegion() {
        assertThat(backend.blobs(JP1)).isSameAs(backend.blobs(JP1));
        assertThat(backend.blobs(JP1)).isNotSameAs(backend.blobs(RegionId.of("US1")));
    }

    @Test
    void storesRejectedAfterClose() {
        backend.close();

        assertThatThrownBy(() -> backend.metadata())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> backend.blobs(JP1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
