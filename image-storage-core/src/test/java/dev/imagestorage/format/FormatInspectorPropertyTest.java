package dev.imagestorage.format;

import static dev.imagestorage.format.FormatInspector.PREFIX_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Random content must always yield an inspection, never an exception. */
class FormatInspectorPropertyTest {
    private static final int QCOW2_MAGIC = 0x514649FB;

    private static Gen<byte[]> contents(int minLength) {
        return Generate.byteArrays(integers().between(minLength, PREFIX_LENGTH),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    @Test
    void randomContentInspected() {
        qt().forAll(contents(0))
                .checkAssert(content -> assertThat(FormatInspector.inspect(content, content.length)).isNotNull());
    }

    @Test
    void randomContentAfterQcow2MagicInspected() {
        qt().forAll(contents(Integer.BYTES)).checkAssert(content -> {
            ByteBuffer.wrap(content).putInt(0, QCOW2_MAGIC);

            Inspection inspection = FormatInspector.inspect(content, content.length);

            assertThat(inspection.format()).isEqualTo(DetectedFormat.QCOW2);
        });
    }

    /**
     * Sets a supported version and a small header length, so that random content reaches the feature checks and the
     * header extension walk instead of stopping at the version.
     */
    @Test
    void randomQcow2HeaderFieldsInspected() {
        qt().forAll(contents(8), Generate.pick(List.of(2, 3)), integers().between(0, 64))
                .checkAssert((content, version, headerLengthInWords) -> {
                    ByteBuffer header = ByteBuffer.wrap(content);
                    header.putInt(0, QCOW2_MAGIC).putInt(4, version);
                    if (content.length >= 104) {
                        header.putInt(100, headerLengthInWords * 8);
                    }

                    Inspection inspection = FormatInspector.inspect(content, content.length);

                    assertThat(inspection.format()).isEqualTo(DetectedFormat.QCOW2);
                });
    }

    /** Bytes after {@code length} must not change the result, so a copy cut at {@code length} inspects the same. */
    @Test
    void bytesAfterLengthIgnored() {
        qt().forAll(contents(0), integers().between(0, PREFIX_LENGTH)).checkAssert((content, cut) -> {
            int length = Math.min(cut, content.length);

            Inspection inspection = FormatInspector.inspect(content, length);

            assertThat(inspection).isEqualTo(FormatInspector.inspect(Arrays.copyOf(content, length), length));
        });
    }
}
