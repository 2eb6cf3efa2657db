package dev.imagestorage.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The corpus files must be the ones whose checksums make-corpus.sh wrote to fixtures/corpus.sha256. */
class CorpusChecksumsTest {
    @Test
    void corpusMatchesSha256sums() throws NoSuchAlgorithmException {
        String sums = new String(resource("fixtures/corpus.sha256"), StandardCharsets.US_ASCII);
        List<String> lines = sums.lines().toList();

        assertThat(lines).hasSizeGreaterThan(70);
        for (String line : lines) {
            // sha256sum writes the hex digest, two spaces and the path relative to src/test/resources.
            String expected = line.substring(0, 64);
            String path = line.substring(66);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(resource(path));

            assertThat(HexFormat.of().formatHex(digest)).as(path).isEqualTo(expected);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = CorpusChecksumsTest.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalStateException("resource /" + path + " is missing from the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read resource /" + path, e);
        }
    }
}
