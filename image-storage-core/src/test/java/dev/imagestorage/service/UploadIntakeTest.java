package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static dev.imagestorage.service.ServiceFixture.fixture;
import static dev.imagestorage.service.ServiceFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Uploads through the service: recorded virtual sizes, truncated content and compressed content. */
class UploadIntakeTest {
    private static final byte[] RAW = fixture("tiny.raw");
    private static final byte[] QCOW2 = fixture("tiny.qcow2");
    private static final byte[] ISO = fixture("tiny.iso");

    private ServiceFixture fx = new ServiceFixture();
    private final Caller acme = as(fx.acmeJp1);

    @AfterEach
    void noStreamLeftOpen() {
        for (RegionId region : Catalog.defaults().regions()) {
            fx.storage.blobs(region).assertNoOpenStreams();
        }
    }

    private Image register(DiskFormat format) {
        RegisterRequest request = format == DiskFormat.ISO
                ? RegisterRequest.iso("installer").build()
                : RegisterRequest.template("template", format).build();
        return fx.service.register(acme, request);
    }

    private Image upload(DiskFormat format, byte[] content) {
        Image queued = register(format);
        return fx.service.upload(acme, queued.id(), new ByteArrayInputStream(content));
    }

    private UploadRejectedException rejected(DiskFormat format, byte[] content) {
        Image queued = register(format);
        UploadRejectedException e = assertThrows(UploadRejectedException.class,
                () -> fx.service.upload(acme, queued.id(), new ByteArrayInputStream(content)));
        assertThat(fx.service.image(acme, queued.id()).status()).isEqualTo(ImageStatus.KILLED);
        assertThat(fx.storage.blobs(queued.region()).stat(BlobKey.of(queued.id()))).isEmpty();
        return e;
    }

    @Test
    void rawRecordsStoredSizeAsVirtualSize() {
        Image image = upload(DiskFormat.RAW, RAW);

        assertThat(image.virtualSizeBytes()).hasValue(RAW.length);
    }

    @Test
    void qcow2RecordsHeaderVirtualSize() {
        Image image = upload(DiskFormat.QCOW2, QCOW2);

        // qemu-img info tiny.qcow2: virtual size: 1 MiB (1048576 bytes)
        assertThat(image.virtualSizeBytes()).hasValue(1_048_576);
        assertThat(image.sizeBytes()).isEqualTo(QCOW2.length);
    }

    @Test
    void isoRecordsVolumeSize() {
        Image image = upload(DiskFormat.ISO, ISO);

        assertThat(image.virtualSizeBytes()).hasValue(376_832);
    }

    @Test
    void isoShorterThanVolumeKilled() {
        byte[] cut = Arrays.copyOf(ISO, 200 * 1024);

        UploadRejectedException e = rejected(DiskFormat.ISO, cut);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_TRUNCATED);
        assertThat(e.reason().message()).contains("204800 bytes long").contains("ISO 9660 volume");
    }

    @Test
    void isoLongerThanVolumeAccepted() {
        byte[] padded = Arrays.copyOf(ISO, ISO.length + 1024 * 1024);

        Image image = upload(DiskFormat.ISO, padded);

        assertThat(image.sizeBytes()).isEqualTo(padded.length);
        assertThat(image.virtualSizeBytes()).hasValue(376_832);
    }

    @Test
    void qcow2ShorterThanTablesKilled() {
        byte[] cut = Arrays.copyOf(QCOW2, 128 * 1024);

        UploadRejectedException e = rejected(DiskFormat.QCOW2, cut);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_TRUNCATED);
        assertThat(e.reason().message()).contains("qcow2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny.raw.gz", "tiny.raw.xz", "tiny.raw.bz2", "tiny.raw.zst"})
    void compressedRawStoredDecompressed(String file) {
        Image image = upload(DiskFormat.RAW, fixture(file));

        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(image.sizeBytes()).isEqualTo(RAW.length);
        assertThat(image.sha256()).contains(sha256(RAW));
        assertThat(image.virtualSizeBytes()).hasValue(RAW.length);
        assertThat(download(image)).isEqualTo(RAW);
    }

    @Test
    void compressedQcow2DeclaredQcow2Accepted() {
        Image image = upload(DiskFormat.QCOW2, gzip(QCOW2));

        assertThat(image.sizeBytes()).isEqualTo(QCOW2.length);
        assertThat(image.virtualSizeBytes()).hasValue(1_048_576);
        assertThat(download(image)).isEqualTo(QCOW2);
    }

    @Test
    void expectedChecksumIsOfDecompressedBytes() {
        Image queued = register(DiskFormat.RAW);

        Image image = fx.service.upload(acme, queued.id(), new ByteArrayInputStream(fixture("tiny.raw.gz")),
                sha256(RAW));

        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
    }

    @Test
    void checksumOfCompressedBytesMismatches() {
        byte[] compressed = fixture("tiny.raw.gz");
        Image queued = register(DiskFormat.RAW);

        assertThatThrownBy(() -> fx.service.upload(acme, queued.id(), new ByteArrayInputStream(compressed),
                sha256(compressed)))
                .isInstanceOf(UploadRejectedException.class)
                .extracting(e -> ((UploadRejectedException) e).reason().code())
                .isEqualTo(ReasonCode.UPLOAD_CHECKSUM_MISMATCH);
    }

    @Test
    void compressedMismatchSaysDecompressed() {
        UploadRejectedException e = rejected(DiskFormat.QCOW2, gzip(ISO));

        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_MISMATCH);
        assertThat(e.reason().message()).startsWith("after gzip decompression, the image is declared as qcow2")
                .contains("an ISO 9660 image");
    }

    @Test
    void doublyCompressedRejectedAsMismatch() {
        UploadRejectedException e = rejected(DiskFormat.RAW, gzip(fixture("tiny.raw.xz")));

        assertThat(e.reason().code()).isEqualTo(ReasonCode.FORMAT_MISMATCH);
        assertThat(e.reason().message()).contains("after gzip decompression").contains("xz-compressed data");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny.raw.gz", "tiny.raw.xz", "tiny.raw.bz2", "tiny.raw.zst"})
    void truncatedCompressedStreamKilled(String file) {
        byte[] compressed = fixture(file);
        byte[] cut = Arrays.copyOf(compressed, compressed.length / 2);

        UploadRejectedException e = rejected(DiskFormat.RAW, cut);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_DECOMPRESSION_FAILED);
        assertThat(e.reason().message()).contains("decompression failed").contains(" -t FILE");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny.raw.gz", "tiny.raw.xz", "tiny.raw.bz2", "tiny.raw.zst"})
    void corruptCompressedStreamKilled(String file) {
        byte[] corrupt = fixture(file);
        for (int i = 16; i < corrupt.length - 16; i += 7) {
            corrupt[i] = (byte) ~corrupt[i];
        }

        UploadRejectedException e = rejected(DiskFormat.RAW, corrupt);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_DECOMPRESSION_FAILED);
    }

    @Test
    void trailingGarbageAfterGzipKilled() {
        byte[] compressed = fixture("tiny.raw.gz");
        byte[] withTrailer = Arrays.copyOf(compressed, compressed.length + 100);
        Arrays.fill(withTrailer, compressed.length, withTrailer.length, (byte) 'x');

        UploadRejectedException e = rejected(DiskFormat.RAW, withTrailer);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_DECOMPRESSION_FAILED);
    }

    @Test
    void concatenatedGzipMembersDecompressed() {
        byte[] half = Arrays.copyOf(RAW, RAW.length / 2);
        byte[] rest = Arrays.copyOfRange(RAW, RAW.length / 2, RAW.length);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(gzip(half));
        both.writeBytes(gzip(rest));

        Image image = upload(DiskFormat.RAW, both.toByteArray());

        assertThat(image.sha256()).contains(sha256(RAW));
    }

    /** 1 GiB of zeros compresses to about 1 MiB, and must stop at the 4 MiB limit without being stored. */
    @Test
    void gzipBombStopsAtSizeLimit() {
        fx = new ServiceFixture(Catalog.defaults().withLimits(Limits.defaults().withMaxImageSizeBytes(4 << 20)),
                Runnable::run);
        byte[] bomb = gzipZeros(1L << 30);
        assertThat(bomb.length).isLessThan(2 << 20);

        UploadRejectedException e = rejected(DiskFormat.RAW, bomb);

        assertThat(e.reason().code()).isEqualTo(ReasonCode.UPLOAD_SIZE_LIMIT);
        assertThat(e.reason().message()).isEqualTo(
                "decompressed content is larger than the image size limit of 4,194,304 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny.raw", "tiny.raw.zst"})
    void uploadStreamLeftOpen(String file) {
        Image queued = register(DiskFormat.RAW);
        boolean[] closed = {false};
        InputStream content = new ByteArrayInputStream(fixture(file)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        fx.service.upload(acme, queued.id(), content);

        assertThat(closed[0]).isFalse();
    }

    private byte[] download(Image image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fx.service.download(acme, image.id(), out);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Returns one gzip member of {@code count} zero bytes, compressed in memory. */
    static byte[] gzipZeros(long count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            for (long written = 0; written < count; written += zeros.length) {
                gzip.write(zeros, 0, (int) Math.min(zeros.length, count - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
