package dev.imagestorage.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixture files must be the ones whose checksums make-fixtures.sh wrote to SHA256SUMS. */
class FixtureChecksumsTest {
    @Test
    void fixturesMatchSha256sums() throws NoSuchAlgorithmException {
        String sums = new String(Fixtures.whole("SHA256SUMS"), StandardCharsets.US_ASCII);
        List<String> lines = sums.lines().toList();

        assertThat(lines).hasSize(18);
        for (String line : lines) {
            // sha256sum writes the hex digest, two spaces and the file name.
            String expected = line.substring(0, 64);
            String file = line.substring(66);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Fixtures.whole(file));

            assertThat(HexFormat.of().formatHex(digest)).as(file).isEqualTo(expected);
        }
    }
}
