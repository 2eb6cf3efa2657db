package dev.imagestorage.bundle;

import com.google.common.hash.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds bundles entry by entry for the tests, including ones no exporter would write. */
final class Bundles {
    private Bundles() {}

    static byte[] fixture(String name) {
        try (InputStream in = Bundles.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " is missing from the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return Hashing.sha256().hashBytes(bytes).toString();
    }

    /** Returns the manifest fields of a raw template named "imported" with {@code disk} as its disk. */
    static Map<String, Object> rawManifest(byte[] disk) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("bundleVersion", 1);
        manifest.put("name", "imported");
        manifest.put("plan", "TEMPLATE");
        manifest.put("format", "raw");
        manifest.put("minDiskGb", 1);
        manifest.put("minMemoryMb", 512);
        manifest.put("tags", java.util.List.of("linux"));
        manifest.put("licenseType", "NONE");
        manifest.put("sizeBytes", disk.length);
        manifest.put("sha256", sha256(disk));
        return manifest;
    }

    static byte[] json(Map<String, Object> manifest) {
        try {
            return BundleReader.manifestMapper().writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tar archive under construction. */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Tar() {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar file(String name, byte[] content) {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(content.length);
            return add(entry, content);
        }

        Tar text(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Tar symlink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            entry.setLinkName(target);
            return add(entry, new byte[0]);
        }

        Tar directory(String name) {
            return add(new TarArchiveEntry(name + "/", true), new byte[0]);
        }

        private Tar add(TarArchiveEntry entry, byte[] content) {
            try {
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] bytes() {
            try {
                tar.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
