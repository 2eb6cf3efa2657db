package dev.imagestorage.bundle;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.imagestorage.ImageStorageException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.service.ImageService;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings images out of the service and into it as bundles: tar archives that hold {@code manifest.json}, with the
 * image's properties and the SHA-256 of its bytes, followed by the disk itself as {@code disk.raw},
 * {@code disk.qcow2} or {@code disk.iso}. {@link BundleReader} describes the format and what a valid bundle is.
 *
 * <p>Export follows the download rules, and import follows the registration and upload rules with the same format
 * inspection as any upload, so a bundle is no way around either. Instances are safe for use by many threads.
 */
public final class ImageBundles {
    private static final Logger log = LoggerFactory.getLogger(ImageBundles.class);
    private static final int FILE_MODE = 0644;

    private final ImageService service;

    public ImageBundles(ImageService service) {
        this.service = requireNonNull(service, "service");
    }

    /**
     * Writes an {@code ACTIVE} image as a bundle to {@code out}, which is flushed but not closed. The disk bytes are
     * verified against their recorded SHA-256 as they stream, as in {@link ImageService#download}.
     *
     * @return the download decision, which may carry warnings the caller should show
     * @throws OperationDeniedException when the caller may not download the image
     * @throws ImageStorageException when writing to {@code out} fails, or the stored bytes no longer match
     */
    public Decision export(Caller caller, ImageId id, OutputStream out) {
        requireNonNull(out, "out");
        Decision allowed = service.checkDownload(caller, id);
        if (allowed.isDenied()) {
            throw new OperationDeniedException(allowed);
        }
        Image image = service.image(caller, id);
        BundleManifest manifest = BundleManifest.of(image);
        byte[] manifestJson = toJson(manifest);

        TarArchiveOutputStream tar = new TarArchiveOutputStream(new KeepOpenOutputStream(out));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Decision decision;
        try {
            tar.putArchiveEntry(entry(BundleReader.MANIFEST_NAME, manifestJson.length, image));
            tar.write(manifestJson);
            tar.closeArchiveEntry();

            tar.putArchiveEntry(entry(manifest.diskEntryName(), image.sizeBytes(), image));
            decision = service.download(caller, id, new KeepOpenOutputStream(tar));
            tar.closeArchiveEntry();
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new ImageStorageException("export of image " + id + " as a bundle failed: " + e.getMessage(), e);
        }
        log.info("Image {} of tenant {} exported as a bundle by tenant {} ({} bytes of disk)", id, image.owner(),
                caller.actingTenant(), image.sizeBytes());
        return decision;
    }

    /**
     * Reads a bundle from {@code bundle} and stores its disk as a new image of the caller's acting tenant, after the
     * same rules and inspection as any upload. The disk must have the SHA-256 that the manifest declares. The new
     * image is always {@code PRIVATE}, whatever the exporting service recorded. The stream is read up to the end of
     * the archive but not closed.
     *
     * <p>When anything fails after the image was registered, the image is deleted again, so a rejected bundle
     * leaves no image and takes no quota.
     *
     * @return the new {@code ACTIVE} image
     * @throws BundleRejectedException when the bundle is malformed or its disk entry does not match the manifest
     * @throws OperationDeniedException when the policy engine denies the registration
     * @throws UploadRejectedException when the disk is rejected, as an upload of it would be
     */
    public Image importBundle(Caller caller, InputStream bundle) {
        requireNonNull(caller, "caller");
        requireNonNull(bundle, "bundle");
        BundleReader reader = BundleReader.open(bundle);
        BundleManifest manifest = reader.manifest();
        InputStream disk = reader.openDisk();

        Image registered = service.register(caller, manifest.toRegisterRequest());
        try {
            Image image = service.upload(caller, registered.id(), disk, manifest.sha256());
            reader.requireEnd();
            log.info("Bundle of image '{}' imported into tenant {} as image {} ({} bytes)", image.name(),
                    image.owner(), image.id(), image.sizeBytes());
            return image;
        } catch (RuntimeException e) {
            discard(caller, registered, e);
            throw e;
        }
    }

    private void discard(Caller caller, Image image, RuntimeException cause) {
        try {
            service.delete(caller, image.id());
        } catch (RuntimeException e) {
            log.warn("Could not delete image {} of a rejected bundle", image.id(), e);
            cause.addSuppressed(e);
        }
        log.info("Bundle import into tenant {} failed, image {} deleted: {}", image.owner(), image.id(),
                cause.getMessage());
    }

    private static TarArchiveEntry entry(String name, long size, Image image) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(FILE_MODE);
        entry.setModTime(Date.from(image.updatedAt()));
        return entry;
    }

    private static byte[] toJson(BundleManifest manifest) {
        try {
            return BundleReader.manifestMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("failed to write the manifest of image '" + manifest.name() + "'", e);
        }
    }

    /** Passes writes through and leaves the target open, because the caller or the archive owns it. */
    private static final class KeepOpenOutputStream extends FilterOutputStream {
        KeepOpenOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
