package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.ChecksumMismatchException;
import dev.imagestorage.ConflictException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.testkit.BlobStoreContract;
import dev.imagestorage.testkit.BlockingInputStream;
import dev.imagestorage.testkit.TestStreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {
    private static final RegionId REGION = RegionId.of("JP1");
    private static final BlobKey KEY = BlobKey.of("image-1.raw");

    @TempDir
    Path root;

    private FileSystemStorage storage;

    @Override
    protected BlobStore newStore() {
        storage = FileSystemStorage.open(root);
        return storage.blobs(REGION);
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void blobStoredAtDocumentedPath() throws IOException {
        byte[] content = bytes("content");
        BlobInfo info = store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        Path file = root.resolve("blobs/JP1/image-1.raw");
        assertThat(file).isRegularFile();
        assertThat(Files.size(file)).isEqualTo(BlobFileHeader.LENGTH + content.length);
        byte[] stored = Files.readAllBytes(file);
        assertThat(new String(stored, 0, BlobFileHeader.LENGTH, UTF_8))
                .startsWith("imagestorage-blob/1 sha256=" + info.sha256())
                .endsWith("\n");
        assertThat(new String(stored, BlobFileHeader.LENGTH, content.length, UTF_8)).isEqualTo("content");
    }

    @Test
    void streamSurvivesDelete() throws IOException {
        byte[] content = randomBytes(100_000, 3);
        store.put(KEY, new ByteArrayInputStream(content), Optional.empty());

        try (InputStream stream = store.open(KEY, 10, 50_000)) {
            assertThat(store.delete(KEY)).isTrue();
            assertThat(stream.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 10, 50_010));
        }
        assertNoBlob(KEY);
    }

    @Test
    void failedPutsLeaveNoTempFile() {
        store.put(BlobKey.of("existing"), new ByteArrayInputStream(bytes("existing")), Optional.empty());
        byte[] half = randomBytes(200_000, 1);

        assertThatThrownBy(() -> store.put(KEY, TestStreams.failingAfter(half, new IOException("reset")),
                Optional.empty())).isInstanceOf(StorageIoException.class);
        assertThatThrownBy(() -> store.put(KEY, TestStreams.failingAfter(half, new IllegalStateException("bug")),
                Optional.empty())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.put(KEY, new ByteArrayInputStream(half), Optional.of(sha256(bytes("other")))))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThatThrownBy(() -> store.put(BlobKey.of("existing"), new ByteArrayInputStream(half), Optional.empty()))
                .isInstanceOf(ConflictException.class);

        assertThat(regionFolderNames()).containsExactly("existing");
    }

    @Test
    void racingPutLosesWithoutTempFile() throws Exception {
        // The loser passes the early existence check, then finds the blob under the lock.
        BlockingInputStream content = new BlockingInputStream(bytes("loser"));
        CompletableFuture<BlobInfo> loser = CompletableFuture.supplyAsync(() -> store.put(KEY, content,
                Optional.empty()));
        content.awaitBlocked();
        store.put(KEY, new ByteArrayInputStream(bytes("winner")), Optional.empty());
        content.release();

        assertThatThrownBy(() -> loser.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(KEY.value());
        assertThat(readAll(store.open(KEY))).isEqualTo(bytes("winner"));
        assertThat(regionFolderNames()).containsExactly(KEY.value());
    }

    @Test
    void cleanupRemovesOldTempFiles() throws IOException {
        BlobInfo blob = store.put(KEY, new ByteArrayInputStream(bytes("complete")), Optional.empty());
        Path folder = root.resolve("blobs/JP1");
        Path old = Files.writeString(folder.resolve(".upload-old.tmp"), "left by a crash");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path young = Files.writeString(folder.resolve(".upload-young.tmp"), "still uploading");
        Path unrelated = Files.writeString(folder.resolve(".upload-notes"), "not a temp file");
        Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        int removed = storage.blobs(REGION).deleteUnfinishedUploads(Duration.ofHours(1));

        assertThat(removed).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(young).exists();
        assertThat(unrelated).exists();
        assertThat(store.stat(KEY)).contains(blob);
        assertThat(storage.blobs(REGION).deleteUnfinishedUploads(Duration.ofHours(1))).isZero();
    }

    @Test
    void cleanupFailsStalledPut() throws Exception {
        BlockingInputStream content = new BlockingInputStream(bytes("first part"));
        CompletableFuture<BlobInfo> put = CompletableFuture.supplyAsync(() -> store.put(KEY, content,
                Optional.empty()));
        content.awaitBlocked();
        Path temp = awaitSingleTempFile();
        Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        int removed = storage.blobs(REGION).deleteUnfinishedUploads(Duration.ofHours(1));
        content.release();

        assertThat(removed).isEqualTo(1);
        assertThatThrownBy(() -> put.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StorageIoException.class)
                .hasMessageContaining(KEY.value());
        assertNoBlob(KEY);
        assertThat(regionFolderNames()).isEmpty();
    }

    @Test
    void corruptBlobFileReported() throws IOException {
        Path shortFile = Files.writeString(root.resolve("blobs/JP1/short"), "raw bytes copied in by hand");
        Path longFile = Files.write(root.resolve("blobs/JP1/long"), randomBytes(1000, 2));

        for (Path file : List.of(shortFile, longFile)) {
            BlobKey key = BlobKey.of(file.getFileName().toString());
            assertThatThrownBy(() -> store.stat(key))
                    .isInstanceOf(StorageIoException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("imagestorage-blob/1");
            assertThatThrownBy(() -> store.open(key, 0, 10))
                    .isInstanceOf(StorageIoException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    private List<String> regionFolderNames() {
        try (Stream<Path> entries = Files.list(root.resolve("blobs/JP1"))) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("failed to list the region folder", e);
        }
    }

    private Path awaitSingleTempFile() throws InterruptedException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            List<String> names = regionFolderNames();
            if (names.size() == 1 && names.get(0).startsWith(".upload-")) {
                return root.resolve("blobs/JP1").resolve(names.get(0));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no temp file appeared in " + root.resolve("blobs/JP1"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
