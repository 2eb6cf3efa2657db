package dev.imagestorage.service;

import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.JobId;
import dev.imagestorage.repository.ImageRepository;
import dev.imagestorage.spi.BlobInfo;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.BlobStore;
import dev.imagestorage.spi.StorageBackend;
import dev.imagestorage.spi.SupportsServerSideCopy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one copy job: copies the source's bytes into the destination region's blob store, server-side when the
 * source store supports it and streaming otherwise, verifies the source's SHA-256 end to end, records progress on
 * the job, and honours cancellation. A job that fails or is cancelled leaves no data in the destination, and its
 * destination image ends {@code DELETED} and stops counting against the destination's quota.
 */
final class Copier {
    private static final Logger log = LoggerFactory.getLogger(Copier.class);

    /** Progress is recorded at least every this many bytes, and at least at every whole percent. */
    static final long MAX_PROGRESS_STEP_BYTES = 8L << 20;

    private final ImageRepository repository;
    private final StorageBackend storage;
    private final Clock clock;

    Copier(ImageRepository repository, StorageBackend storage, Clock clock) {
        this.repository = repository;
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * Runs job {@code id} to its end and records every failure of the copy on the job. Only a failure to read or
     * update the job record itself propagates.
     */
    void run(JobId id) {
        CopyJob job = repository.updateJob(id, current -> current.status() == CopyJobStatus.QUEUED
                ? current.withStatus(CopyJobStatus.RUNNING, clock.instant())
                : current);
        if (job.status() != CopyJobStatus.RUNNING) {
            log.info("Copy job {} was {} before it started", id, job.status());
            discardDestination(job);
            return;
        }

        try {
            copyBytes(job);
        } catch (CancelledException e) {
            log.info("Copy job {} was cancelled after {} bytes", id, e.bytesDone);
            discardDestination(job);
        } catch (RuntimeException e) {
            log.warn("Copy job {} from image {} to tenant {} failed", id, job.source(), job.destinationTenant(), e);
            discardDestination(job);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            repository.updateJob(id, current -> current.status().isFinal()
                    ? current
                    : current.withFailure(reason, clock.instant()));
        }
    }

    private void copyBytes(CopyJob job) {
        Image source = repository.findImage(job.source())
                .filter(Image::isActive)
                .orElseThrow(() -> new IllegalStateException(
                        "source image " + job.source() + " is no longer ACTIVE"));
        Image destination = repository.updateImage(job.destination(), current -> {
            if (current.status() != ImageStatus.QUEUED) {
                throw new IllegalStateException("destination image " + current.id() + " is " + current.status()
                        + " instead of QUEUED; it was deleted or changed before the copy started");
            }
            return current.withStatus(ImageStatus.SAVING, clock.instant());
        });

        BlobStore from = storage.blobs(source.region());
        BlobStore to = storage.blobs(destination.region());
        long step = Math.max(1, Math.min(MAX_PROGRESS_STEP_BYTES, job.bytesTotal() / 100));

        BlobInfo info;
        if (from instanceof SupportsServerSideCopy serverSide && serverSide.canCopyServerSide(to)) {
            // The store copies the bytes itself, so there is no progress to record until it is done.
            info = serverSide.copyTo(BlobKey.of(source.id()), to, BlobKey.of(destination.id()));
            if (source.sha256().isPresent() && !source.sha256().get().equals(info.sha256())) {
                to.delete(BlobKey.of(destination.id()));
                throw new IllegalStateException("the server-side copy of image " + source.id() + " has SHA-256 "
                        + info.sha256() + " instead of " + source.sha256().get());
            }
            log.debug("Copy job {} copied its bytes server-side", job.id());
        } else {
            try (InputStream in = from.open(BlobKey.of(source.id()))) {
                ProgressInputStream counted =
                        new ProgressInputStream(in, step, done -> recordProgress(job.id(), done));
                info = to.put(BlobKey.of(destination.id()), counted, source.sha256());
            } catch (IOException e) {
                throw new IllegalStateException("closing the source of copy job " + job.id() + " failed", e);
            }
        }

        // The image becomes ACTIVE before the job reads SUCCEEDED, so a caller that sees a finished job can use
        // the copy at once.
        if (repository.findJob(job.id()).map(CopyJob::status).orElse(CopyJobStatus.CANCELLED)
                != CopyJobStatus.RUNNING) {
            throw new CancelledException(info.sizeBytes());
        }
        Image saved = repository.updateImage(destination.id(), current -> current.status() == ImageStatus.SAVING
                ? current.withData(info.sizeBytes(), info.sha256(), clock.instant())
                : current);
        if (!saved.isActive()) {
            log.warn("Destination image {} of copy job {} became {} while its data was copied; removing the data",
                    destination.id(), job.id(), saved.status());
            discardDestination(job);
            repository.updateJob(job.id(), current -> current.withFailure("destination image " + destination.id()
                    + " became " + saved.status() + " while its data was copied", clock.instant()));
            return;
        }
        CopyJob finished = repository.updateJob(job.id(), current -> current.status() == CopyJobStatus.RUNNING
                ? current.withProgress(current.bytesTotal(), clock.instant())
                        .withStatus(CopyJobStatus.SUCCEEDED, clock.instant())
                : current);
        if (finished.status() != CopyJobStatus.SUCCEEDED) {
            // Cancelled or failed in the moment between the two updates: the job's end wins over the copy.
            log.info("Copy job {} ended {} just as its data was saved; removing the copy", job.id(),
                    finished.status());
            discardDestination(job);
            return;
        }
        log.info("Copy job {} copied image {} to image {} of tenant {} ({} bytes)", job.id(), source.id(),
                destination.id(), destination.owner(), info.sizeBytes());
    }

    private void recordProgress(JobId id, long done) {
        CopyJob current = repository.updateJob(id, job -> job.status() == CopyJobStatus.RUNNING
                ? job.withProgress(Math.min(done, job.bytesTotal()), clock.instant())
                : job);
        if (current.status() == CopyJobStatus.CANCELLED) {
            throw new CancelledException(done);
        }
    }

    void discardDestination(CopyJob job) {
        try {
            storage.blobs(repository.findImage(job.destination()).map(Image::region).orElseThrow())
                    .delete(BlobKey.of(job.destination()));
        } catch (RuntimeException e) {
            log.warn("Could not delete the data of destination image {} of copy job {}", job.destination(),
                    job.id(), e);
        }
        try {
            boolean[] deletedNow = new boolean[1];
            Image discarded = repository.updateImage(job.destination(), current -> {
                deletedNow[0] = current.status() != ImageStatus.DELETED;
                return current.withStatus(ImageStatus.DELETED, clock.instant());
            });
            if (deletedNow[0]) {
                repository.updateUsage(job.destinationTenant(), usage -> usage.add(discarded.plan(), -1));
            }
        } catch (RuntimeException e) {
            log.warn("Could not discard destination image {} of copy job {}", job.destination(), job.id(), e);
        }
    }

    /** The job was cancelled while its bytes were being copied. */
    private static final class CancelledException extends RuntimeException {
        final long bytesDone;

        CancelledException(long bytesDone) {
            super("cancelled", null, false, false);
            this.bytesDone = bytesDone;
        }
    }
}
