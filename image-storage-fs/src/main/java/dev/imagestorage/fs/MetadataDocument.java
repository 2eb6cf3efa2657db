package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The file format of one metadata document: the ASCII header line {@code imagestorage-metadata/1 <version>\n}
 * followed by the value's bytes exactly as given. The version token in the header is what makes a conditional write
 * detect any change, also one that stores the same bytes again.
 */
record MetadataDocument(String version, byte[] value) {
    private static final String MAGIC = "imagestorage-metadata/1 ";
    private static final Pattern VERSION = Pattern.compile("[0-9a-f-]{1,64}");

    /** Returns the bytes of the file that stores this document. */
    byte[] encode() {
        byte[] header = (MAGIC + version + "\n").getBytes(US_ASCII);
        byte[] file = Arrays.copyOf(header, header.length + value.length);
        System.arraycopy(value, 0, file, header.length, value.length);
        return file;
    }

    /**
     * Parses the bytes of a document file.
     *
     * @throws IllegalArgumentException when the bytes do not start with a valid header, with the reason
     */
    static MetadataDocument decode(byte[] file) {
        byte[] magic = MAGIC.getBytes(US_ASCII);
        if (file.length < magic.length || !Arrays.equals(file, 0, magic.length, magic, 0, magic.length)) {
            throw new IllegalArgumentException("it does not start with '" + MAGIC.trim() + "'");
        }
        int end = magic.length;
        while (end < file.length && file[end] != '\n' && end - magic.length <= 64) {
            end++;
        }
        String version = new String(file, magic.length, end - magic.length, US_ASCII);
        if (end == file.length || file[end] != '\n' || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("its header has no valid version token");
        }
        return new MetadataDocument(version, Arrays.copyOfRange(file, end + 1, file.length));
    }
}
