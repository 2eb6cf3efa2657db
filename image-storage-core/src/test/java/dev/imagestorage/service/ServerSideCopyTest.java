package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.StorageBackend;
import dev.imagestorage.spi.SupportsServerSideCopy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Copy jobs let a store that supports it copy the bytes itself, and still verify the result. */
class ServerSideCopyTest {
    private final AtomicInteger serverSideCopies = new AtomicInteger();
    private final AtomicInteger streamedReads = new AtomicInteger();
    private volatile boolean corruptCopies;

    private final ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog(), Runnable::run,
            Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC), CopyingBackend::new);
    private final Caller acme = as(fx.acmeJp1, fx.acmeJp2);

    @Test
    void copyUsesServerSideCopy() {
        Image source = fx.activeTemplate(acme, "template");

        CopyJob job = fx.service.copy(acme, CopyRequest.of(source.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());

        assertThat(job.status()).isEqualTo(CopyJobStatus.SUCCEEDED);
        assertThat(job.percentDone()).isEqualTo(100);
        assertThat(serverSideCopies).hasValue(1);
        assertThat(streamedReads).as("no read of the source through open").hasValue(0);
        Image copy = fx.service.image(as(fx.acmeJp2), job.destination());
        assertThat(copy.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(copy.sha256()).isEqualTo(source.sha256());
    }

    @Test
    void wrongServerSideChecksumFailsJob() {
        Image source = fx.activeTemplate(acme, "template");
        corruptCopies = true;

        CopyJob job = fx.service.copy(acme, CopyRequest.of(source.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());

        assertThat(job.status()).isEqualTo(CopyJobStatus.FAILED);
        assertThat(job.failure()).hasValueSatisfying(reason -> assertThat(reason).contains("SHA-256"));
        assertThat(fx.service.listImages(as(fx.acmeJp2))).isEmpty();
        assertThat(fx.storage.blobs(RegionId.of("JP2")).stat(BlobKey.of(job.destination()))).isEmpty();
    }

    /** The in-memory backend, whose blob stores copy between each other as a server-side copy would. */
    private final class CopyingBackend extends ForwardingStorage {
        CopyingBackend(StorageBackend delegate) {
            super(delegate);
        }

        @Override
        BlobStore wrap(BlobStore blobs) {
            return new CopyingStore(blobs);
        }
    }

    private final class CopyingStore extends ForwardingStorage.ForwardingBlobStore implements SupportsServerSideCopy {
        CopyingStore(BlobStore blobs) {
            super(blobs);
        }

        @Override
        public boolean canCopyServerSide(BlobStore destination) {
            return destination instanceof CopyingStore;
        }

        @Override
        public BlobInfo copyTo(BlobKey source, BlobStore destination, BlobKey destinationKey) {
            serverSideCopies.incrementAndGet();
            BlobStore target = ((CopyingStore) destination).blobs;
            try (InputStream in = blobs.open(source)) {
                byte[] bytes = in.readAllBytes();
                if (corruptCopies) {
                    bytes[0] ^= 1;
                }
                return target.put(destinationKey, new ByteArrayInputStream(bytes), Optional.empty());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public InputStream open(BlobKey key) {
            streamedReads.incrementAndGet();
            return blobs.open(key);
        }

        @Override
        public InputStream open(BlobKey key, long offset, long length) {
            streamedReads.incrementAndGet();
            return blobs.open(key, offset, length);
        }
    }
}
