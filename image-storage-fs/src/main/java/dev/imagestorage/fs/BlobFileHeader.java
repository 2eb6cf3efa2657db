package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.google.common.base.Strings;
import java.util.regex.Pattern;

/**
 * The fixed-size header at the start of every blob file: the ASCII line {@code imagestorage-blob/1 sha256=<hex>},
 * padded with spaces and ended by '\n' to {@value #LENGTH} bytes. The blob's bytes follow it unchanged, so
 * {@code stat} gets the checksum without reading the blob, and the size is the file size minus {@value #LENGTH}.
 */
final class BlobFileHeader {
    static final int LENGTH = 128;

    private static final String MAGIC = "imagestorage-blob/1 sha256=";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private BlobFileHeader() {}

    /** Returns the {@value #LENGTH} header bytes for a blob with SHA-256 {@code sha256}. */
    static byte[] encode(String sha256) {
        String line = Strings.padEnd(MAGIC + sha256, LENGTH - 1, ' ') + "\n";
        return line.getBytes(US_ASCII);
    }

    /**
     * Returns the SHA-256 stored in {@code header}.
     *
     * @throws IllegalArgumentException when {@code header} is not a valid header, with the reason
     */
    static String decodeSha256(byte[] header) {
        if (header.length != LENGTH) {
            throw new IllegalArgumentException(
                    "it is shorter than the " + LENGTH + "-byte header line that starts with '" + MAGIC + "'");
        }
        String line = new String(header, US_ASCII);
        if (!line.startsWith(MAGIC) || line.charAt(LENGTH - 1) != '\n') {
            throw new IllegalArgumentException("it does not start with a header line '" + MAGIC + "<hex>'");
        }
        String sha256 = line.substring(MAGIC.length(), MAGIC.length() + 64);
        String padding = line.substring(MAGIC.length() + 64, LENGTH - 1);
        if (!SHA256_HEX.matcher(sha256).matches() || !padding.isBlank()) {
            throw new IllegalArgumentException("its header has no valid SHA-256");
        }
        return sha256;
    }
}
