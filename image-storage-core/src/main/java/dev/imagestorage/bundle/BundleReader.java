package dev.imagestorage.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image bundle: a tar archive whose first entry is {@code manifest.json} and whose second and last entry is
 * the disk, named {@code disk.} and the format, such as {@code disk.qcow2}. Both are regular files.
 *
 * <p>The manifest is parsed strictly: unknown fields, duplicate fields, trailing content and a wrong
 * {@code bundleVersion} are rejected, so that a bundle never carries a property, such as an origin, that the importer
 * would silently drop. A later bundle format must raise {@code bundleVersion}.
 *
 * <p>The reader is bounded: it reads at most {@link #MAX_METADATA_BYTES} bytes of the input plus the size of the disk
 * entry, so the manifest and the tar headers it keeps in memory are at most that large too. Every defect throws
 * {@link BundleRejectedException}, the only exception it throws on purpose.
 */
final class BundleReader {
    static final String MANIFEST_NAME = "manifest.json";
    /** Largest {@code manifest.json} accepted. */
    static final int MAX_MANIFEST_BYTES = 64 * 1024;
    /**
     * Bytes allowed for tar headers, extended (PAX) headers, padding and the end-of-archive blocks before each entry
     * and after the last one. A tar block is 10240 bytes, and the usual headers fit in a few KiB.
     */
    static final int HEADER_ALLOWANCE = 64 * 1024;
    /** Most bytes the reader reads in addition to the disk entry's data. */
    static final long MAX_METADATA_BYTES = 3L * HEADER_ALLOWANCE + MAX_MANIFEST_BYTES;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper MANIFEST_MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT, null))
            .build();

    private final ReadBudgetInputStream budget;
    private final TarArchiveInputStream tar;
    private final BundleManifest manifest;

    private BundleReader(InputStream in) {
        this.budget = new ReadBudgetInputStream(in);
        this.tar = new TarArchiveInputStream(budget);
        budget.allow(HEADER_ALLOWANCE + MAX_MANIFEST_BYTES);
        this.manifest = readManifest();
    }

    /**
     * Reads the tar headers and the manifest at the start of {@code in}. The stream is read only as far as the
     * manifest and never closed.
     *
     * @throws BundleRejectedException when the bundle does not start with a valid manifest
     */
    static BundleReader open(InputStream in) {
        return new BundleReader(in);
    }

    static ObjectMapper manifestMapper() {
        return MANIFEST_MAPPER;
    }

    BundleManifest manifest() {
        return manifest;
    }

    /** Returns the number of bytes read from the input so far. */
    long bytesRead() {
        return budget.count();
    }

    /**
     * Reads the header of the disk entry and returns its data, which ends after {@link BundleManifest#sizeBytes()}
     * bytes. A read of the data throws {@link IOException} when the archive is truncated.
     *
     * @throws BundleRejectedException when the next entry is missing, unsafe, not the disk or not of the manifest's
     *     size
     */
    InputStream openDisk() {
        budget.allow(HEADER_ALLOWANCE);
        TarArchiveEntry entry = nextEntry().orElseThrow(() -> reject(ReasonCode.BUNDLE_MALFORMED,
                "the bundle ends after " + MANIFEST_NAME + " without a disk entry; expected "
                        + manifest.diskEntryName() + " next"));
        if (entry.getName().equals(MANIFEST_NAME)) {
            throw reject(ReasonCode.BUNDLE_ENTRY_UNEXPECTED, "the bundle contains " + MANIFEST_NAME
                    + " twice; expected " + manifest.diskEntryName() + " after the first one");
        }
        requireRegularFile(entry);
        if (!entry.getName().equals(manifest.diskEntryName())) {
            throw reject(ReasonCode.BUNDLE_ENTRY_UNEXPECTED, "entry '" + printable(entry.getName())
                    + "' follows " + MANIFEST_NAME + ", but the manifest declares format " + manifest.format()
                    + ", so the disk entry must be named " + manifest.diskEntryName());
        }
        if (entry.getSize() != manifest.sizeBytes()) {
            throw reject(ReasonCode.BUNDLE_SIZE_MISMATCH, "entry " + manifest.diskEntryName() + " is "
                    + entry.getSize() + " bytes, but the manifest declares " + manifest.sizeBytes() + " bytes");
        }
        budget.allow(entry.getSize() + HEADER_ALLOWANCE);
        return tar;
    }

    /**
     * Checks that no entry follows the disk entry. Call it after the disk data has been read to its end.
     *
     * @throws BundleRejectedException when another entry follows
     */
    void requireEnd() {
        Optional<TarArchiveEntry> next = nextEntry();
        if (next.isEmpty()) {
            return;
        }
        TarArchiveEntry entry = next.get();
        if (entry.getName().equals(MANIFEST_NAME)) {
            throw reject(ReasonCode.BUNDLE_ENTRY_UNEXPECTED, "the bundle contains " + MANIFEST_NAME
                    + " twice; a bundle contains one manifest and one disk entry");
        }
        requireSafeName(entry);
        throw reject(ReasonCode.BUNDLE_ENTRY_UNEXPECTED, "entry '" + printable(entry.getName()) + "' follows the"
                + " disk entry; a bundle contains only " + MANIFEST_NAME + " and " + manifest.diskEntryName());
    }

    private BundleManifest readManifest() {
        TarArchiveEntry entry = nextEntry().orElseThrow(() -> reject(ReasonCode.BUNDLE_MANIFEST_MISSING,
                "the bundle contains no entries; expected " + MANIFEST_NAME + " first"));
        requireSafeName(entry);
        if (!entry.getName().equals(MANIFEST_NAME)) {
            throw reject(ReasonCode.BUNDLE_MANIFEST_MISSING, "the first entry of the bundle is '"
                    + printable(entry.getName()) + "', but a bundle starts with " + MANIFEST_NAME);
        }
        requireRegularFile(entry);
        if (entry.getSize() > MAX_MANIFEST_BYTES) {
            throw reject(ReasonCode.BUNDLE_MANIFEST_INVALID, MANIFEST_NAME + " is " + entry.getSize()
                    + " bytes, above the maximum of " + MAX_MANIFEST_BYTES + " bytes");
        }

        byte[] json;
        try {
            json = tar.readNBytes(MAX_MANIFEST_BYTES);
        } catch (IOException e) {
            throw malformed(e);
        }
        BundleManifest parsed;
        try {
            parsed = MANIFEST_MAPPER.readValue(json, BundleManifest.class);
        } catch (JacksonException e) {
            throw reject(ReasonCode.BUNDLE_MANIFEST_INVALID, MANIFEST_NAME + " is invalid: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw malformed(e);
        }
        if (parsed == null) {
            throw reject(ReasonCode.BUNDLE_MANIFEST_INVALID, MANIFEST_NAME + " is invalid: it contains null");
        }
        validate(parsed);
        return parsed;
    }

    private static void validate(BundleManifest manifest) {
        if (manifest.bundleVersion() != BundleManifest.CURRENT_VERSION) {
            throw invalidManifest("bundleVersion " + manifest.bundleVersion() + " is not supported: this SDK reads"
                    + " version " + BundleManifest.CURRENT_VERSION);
        }
        if (manifest.name() == null) {
            throw invalidManifest("the field 'name' is missing");
        }
        if (manifest.plan() == null) {
            throw invalidManifest("the field 'plan' is missing");
        }
        if (manifest.format() == null) {
            throw invalidManifest("the field 'format' is missing");
        }
        if (!manifest.format().equals("raw") && !manifest.format().equals("qcow2")
                && !manifest.format().equals("iso")) {
            throw invalidManifest("format '" + printable(manifest.format()) + "' is unknown: expected raw, qcow2 or"
                    + " iso");
        }
        if (manifest.licenseType() == null) {
            throw invalidManifest("the field 'licenseType' is missing");
        }
        if (manifest.tags().stream().anyMatch(java.util.Objects::isNull)) {
            throw invalidManifest("the field 'tags' contains null");
        }
        if (manifest.sizeBytes() <= 0) {
            throw invalidManifest("sizeBytes " + manifest.sizeBytes() + " is invalid: it must be greater than 0");
        }
        if (manifest.sha256() == null || !SHA256.matcher(manifest.sha256()).matches()) {
            throw invalidManifest("sha256 must be 64 lower-case hex digits");
        }
    }

    /** Returns the next entry, or empty at the end of the archive. */
    private Optional<TarArchiveEntry> nextEntry() {
        try {
            return Optional.ofNullable(tar.getNextEntry());
        } catch (IOException e) {
            throw malformed(e);
        } catch (IllegalArgumentException e) {
            // Commons Compress raises it for some invalid header fields, such as a malformed number.
            throw reject(ReasonCode.BUNDLE_MALFORMED, "the bundle is not a valid tar archive: " + e.getMessage(), e);
        }
    }

    /** Rejects names that would escape a folder if the bundle were unpacked: absolute paths and "..". */
    private static void requireSafeName(TarArchiveEntry entry) {
        String name = entry.getName();
        boolean driveLetter = name.length() >= 2 && name.charAt(1) == ':';
        boolean absolute = name.startsWith("/") || name.startsWith("\\") || driveLetter;
        boolean traversal = false;
        for (String segment : name.split("[/\\\\]")) {
            traversal |= segment.equals("..");
        }
        if (absolute || traversal || name.indexOf('\0') >= 0) {
            throw reject(ReasonCode.BUNDLE_ENTRY_UNSAFE, "entry '" + printable(name) + "' has an absolute path or"
                    + " a '..' segment, which could write outside the folder it is unpacked into");
        }
    }

    /** Rejects links, devices, folders and sparse files: a bundle entry is a plain regular file. */
    private static void requireRegularFile(TarArchiveEntry entry) {
        requireSafeName(entry);
        if (entry.isSymbolicLink() || entry.isLink()) {
            throw reject(ReasonCode.BUNDLE_ENTRY_UNSAFE, "entry '" + printable(entry.getName()) + "' is a link to '"
                    + printable(entry.getLinkName()) + "'; a bundle contains only regular files");
        }
        if (!entry.isFile() || entry.isSparse()) {
            throw reject(ReasonCode.BUNDLE_ENTRY_UNEXPECTED, "entry '" + printable(entry.getName())
                    + "' is not a regular file (tar type flag '" + (char) entry.getLinkFlag() + "')");
        }
    }

    /** Returns {@code text} cut to 200 characters with control characters replaced, for messages. */
    private static String printable(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static BundleRejectedException malformed(IOException e) {
        if (e instanceof ReadBudgetInputStream.BudgetExceededException) {
            return reject(ReasonCode.BUNDLE_MALFORMED, "the bundle's tar headers are too large: " + e.getMessage()
                    + ", but at most " + HEADER_ALLOWANCE + " bytes are allowed for the headers of an entry", e);
        }
        return reject(ReasonCode.BUNDLE_MALFORMED, "the bundle is not a valid tar archive: " + e.getMessage(), e);
    }

    private static BundleRejectedException invalidManifest(String message) {
        return reject(ReasonCode.BUNDLE_MANIFEST_INVALID, MANIFEST_NAME + " is invalid: " + message);
    }

    private static BundleRejectedException reject(ReasonCode code, String message) {
        return new BundleRejectedException(Reason.deny(code, message));
    }

    private static BundleRejectedException reject(ReasonCode code, String message, Throwable cause) {
        return new BundleRejectedException(Reason.deny(code, message), cause);
    }
}
