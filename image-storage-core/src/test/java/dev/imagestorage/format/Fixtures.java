package dev.imagestorage.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the images that fixtures/make-fixtures.sh wrote to the test classpath. */
final class Fixtures {
    private Fixtures() {}

    /** Returns the first {@link FormatInspector#PREFIX_LENGTH} bytes of a fixture, or all of it when it is shorter. */
    static byte[] prefix(String name) {
        return read(name, FormatInspector.PREFIX_LENGTH);
    }

    static byte[] whole(String name) {
        return read(name, Integer.MAX_VALUE);
    }

    private static byte[] read(String name, int maxLength) {
        String resource = "/fixtures/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + resource + " not found on the test classpath");
            }
            return in.readNBytes(maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read fixture " + resource, e);
        }
    }
}
