package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.StorageIoException;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.testkit.MetadataStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path root;

    private FileSystemStorage storage;

    @Override
    protected MetadataStore newStore() {
        storage = FileSystemStorage.open(root);
        return storage.metadata();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void documentStoredAtDocumentedPath() throws IOException {
        String version = store.create(MetadataKey.parse("images/img-1"), bytes("{}"));

        Path file = root.resolve("metadata/images.d/img-1.meta");
        assertThat(file).isRegularFile();
        assertThat(Files.readString(file, UTF_8)).isEqualTo("imagestorage-metadata/1 " + version + "\n{}");
    }

    @Test
    void writesLeaveNoTempFiles() throws IOException {
        MetadataKey key = MetadataKey.parse("images/img-1");
        String version = store.create(key, bytes("one"));
        version = store.replace(key, bytes("two"), version);
        store.delete(key, version);

        assertThat(filesUnder(root.resolve("metadata"))).isEmpty();
    }

    @Test
    void strayFilesNeverListedOrRead() throws IOException {
        store.create(MetadataKey.parse("images/a"), bytes("a"));
        Path folder = root.resolve("metadata/images.d");
        Files.writeString(folder.resolve(".b.0b8c2a1e-tmp.tmp"), "imagestorage-metadata/1 abc\npartial");
        Files.writeString(folder.resolve(".c.meta"), "imagestorage-metadata/1 abc\nhidden");
        Files.writeString(folder.resolve("notes.txt"), "not a document");
        Files.writeString(folder.resolve("bad name.meta"), "imagestorage-metadata/1 abc\ninvalid segment");
        Files.createDirectories(folder.resolve("folder.meta"));
        Files.createDirectories(folder.resolve(".hidden.d"));
        Files.writeString(folder.resolve(".hidden.d/x.meta"), "imagestorage-metadata/1 abc\nunder a hidden folder");

        assertThat(store.list(MetadataKey.of("images"))).containsExactly(MetadataKey.parse("images/a"));
        assertThat(store.get(MetadataKey.parse("images/b"))).isEmpty();
    }

    @Test
    void corruptDocumentReported() throws IOException {
        Path file = root.resolve("metadata/images.d/img-1.meta");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"written\":\"by hand\"}");

        assertThatThrownBy(() -> store.get(MetadataKey.parse("images/img-1")))
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining("images/img-1")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("imagestorage-metadata/1");
    }

    private static Stream<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).toList().stream();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
