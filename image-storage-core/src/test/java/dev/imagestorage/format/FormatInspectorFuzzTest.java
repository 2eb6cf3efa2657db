package dev.imagestorage.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.policy.Severity;
import java.util.Arrays;

/**
 * Fuzzes the format inspector. Without the environment variable JAZZER_FUZZ, Jazzer runs each test once per seed in
 * src/test/resources/dev/imagestorage/format/FormatInspectorFuzzTestInputs/, the corpus that
 * fixtures/make-corpus.sh builds. docs/FUZZING.md gives the command that fuzzes for a chosen time.
 */
class FormatInspectorFuzzTest {
    /** Bytes placed after the inspected length, which must never change the result. */
    private static final byte POISON = (byte) 0xA5;

    /**
     * Checks that any content gets an inspection and never an exception, and that no byte past the inspected length
     * is read. The first call gets an array that ends at the length, so a read past it throws. The second gets
     * poison bytes after the length, which must not change the result.
     */
    @FuzzTest
    void inspectAnyContent(byte[] data) {
        int length = Math.min(data.length, FormatInspector.PREFIX_LENGTH);
        byte[] exact = Arrays.copyOf(data, length);
        byte[] padded = Arrays.copyOf(data, length + 1024);
        Arrays.fill(padded, length, padded.length, POISON);

        Inspection inspection = FormatInspector.inspect(exact, length);

        assertThat(FormatInspector.inspect(padded, length)).isEqualTo(inspection);
        assertThat(inspection.problems()).allMatch(reason -> reason.severity() == Severity.DENY);
        for (DiskFormat declared : DiskFormat.values()) {
            assertThat(inspection.rejectionFor(declared)).isNotNull();
        }
        assertThat(inspection.rejectionForContentLength(length).map(Reason::code)).isNotNull();
    }

    /**
     * Checks that content shorter than the prefix, which is the whole content, has a {@code FORMAT_TRUNCATED} problem
     * exactly when one of its extents ends past it.
     */
    @FuzzTest
    void wholeContentReportsTruncation(byte[] data) {
        int length = Math.min(data.length, FormatInspector.PREFIX_LENGTH - 1);
        byte[] exact = Arrays.copyOf(data, length);

        Inspection inspection = FormatInspector.inspect(exact, length);

        boolean truncated = inspection.problems().stream()
                .anyMatch(reason -> reason.code() == ReasonCode.FORMAT_TRUNCATED);
        assertThat(inspection.rejectionForContentLength(length).isPresent()).isEqualTo(truncated);
    }
}
