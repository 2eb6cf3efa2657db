package dev.imagestorage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.service.ImageService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service on the filesystem backend: what an upload leaves on disk, and what survives a restart. */
class FileSystemImageServiceTest {
    private static final TenantId TENANT = TenantId.of("acme-jp1");
    private static final Caller CALLER = Caller.of(TENANT);

    @TempDir
    Path root;

    private static ImageService serviceOn(FileSystemStorage storage) {
        return ImageService.builder().storage(storage).build();
    }

    private static byte[] rawDisk(int size) {
        byte[] line = "raw disk block, no format signature here\n".getBytes(StandardCharsets.US_ASCII);
        byte[] disk = new byte[size];
        for (int i = 0; i < size; i++) {
            disk[i] = line[i % line.length];
        }
        return disk;
    }

    private List<Path> filesUnder(String folder) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(folder))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void uploadSurvivesRestart() {
        byte[] disk = rawDisk(300_000);
        Image active;
        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            ImageService service = serviceOn(storage);
            service.addContract(ContractId.of("acme"));
            service.addTenant(TENANT, ContractId.of("acme"), RegionId.of("JP1"));
            Image queued = service.register(CALLER, RegisterRequest.template("disk", DiskFormat.RAW).build());
            active = service.upload(CALLER, queued.id(), new ByteArrayInputStream(disk));
        }

        try (FileSystemStorage reopened = FileSystemStorage.open(root)) {
            ImageService service = serviceOn(reopened);
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            assertThat(service.image(CALLER, active.id())).isEqualTo(active);
            service.download(CALLER, active.id(), out);
            assertThat(out.toByteArray()).isEqualTo(disk);
        }
    }

    @Test
    void streamFailingHalfWayLeavesNoFile() throws IOException {
        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            ImageService service = serviceOn(storage);
            service.addContract(ContractId.of("acme"));
            service.addTenant(TENANT, ContractId.of("acme"), RegionId.of("JP1"));
            Image queued = service.register(CALLER, RegisterRequest.template("disk", DiskFormat.RAW).build());
            InputStream failing = new FailingAfter(rawDisk(1_000_000), 150_000);

            assertThatThrownBy(() -> service.upload(CALLER, queued.id(), failing))
                    .isInstanceOfSatisfying(UploadRejectedException.class, e ->
                            assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_READ_FAILED));

            assertThat(service.image(CALLER, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
            assertThat(filesUnder("blobs")).isEmpty();
        }

        try (FileSystemStorage reopened = FileSystemStorage.open(root)) {
            assertThat(serviceOn(reopened).listImages(CALLER))
                    .extracting(Image::status)
                    .containsExactly(ImageStatus.KILLED);
        }
    }

    /** Returns the bytes of {@code data} until {@code failAfter} bytes were read, then throws an IOException. */
    private static final class FailingAfter extends InputStream {
        private final ByteArrayInputStream data;
        private long remaining;

        FailingAfter(byte[] data, long failAfter) {
            this.data = new ByteArrayInputStream(data);
            this.remaining = failAfter;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                throw new IOException("connection reset by peer");
            }
            int n = data.read(buffer, offset, (int) Math.min(length, remaining));
            remaining -= Math.max(n, 0);
            return n;
        }
    }
}
