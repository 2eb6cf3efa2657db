package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.StorageBackend;
import dev.imagestorage.testkit.StorageBackendContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStorageTest extends StorageBackendContract {
    private static final RegionId JP1 = RegionId.of("JP1");

    @TempDir
    Path base;

    @Override
    protected StorageBackend newBackend() {
        return FileSystemStorage.open(base.resolve("storage"));
    }

    @Test
    void openCreatesMissingFolders() throws IOException {
        Path root = base.resolve("a/b/c");

        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            assertThat(storage.root()).isEqualTo(root.toRealPath());
        }

        assertThat(root.resolve("metadata")).isDirectory();
        assertThat(root.resolve("blobs")).isDirectory();
        assertThat(root.resolve("locks")).isDirectory();
    }

    @Test
    void openRejectsRegularFile() throws IOException {
        Path file = Files.writeString(base.resolve("not-a-folder"), "text");

        assertThatThrownBy(() -> FileSystemStorage.open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is not a directory");
    }

    @Test
    void openRejectsPathUnderFile() throws IOException {
        Path file = Files.writeString(base.resolve("not-a-folder"), "text");
        Path root = file.resolve("storage");

        assertThatThrownBy(() -> FileSystemStorage.open(root))
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining(root.toString())
                .satisfies(e -> assertThat(((StorageIoException) e).key()).isEqualTo(root.toString()));
    }

    @Test
    void reopenedRootKeepsData() throws IOException {
        Path root = base.resolve("storage-2");
        MetadataKey key = MetadataKey.parse("images/img-1");
        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            storage.metadata().create(key, bytes("document"));
            storage.blobs(JP1).put(BlobKey.of("img-1"), new ByteArrayInputStream(bytes("blob")), Optional.empty());
        }

        try (FileSystemStorage storage = FileSystemStorage.open(root);
                InputStream blob = storage.blobs(JP1).open(BlobKey.of("img-1"))) {
            assertThat(storage.metadata().get(key).orElseThrow().value()).isEqualTo(bytes("document"));
            assertThat(blob.readAllBytes()).isEqualTo(bytes("blob"));
        }
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

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
