package dev.imagestorage.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Fuzzes the bundle reader. Without the environment variable JAZZER_FUZZ, Jazzer runs the test once per seed in
 * src/test/resources/dev/imagestorage/bundle/BundleReaderFuzzTestInputs/, the bundles that fixtures/make-corpus.sh
 * builds. docs/FUZZING.md gives the command that fuzzes for a chosen time.
 */
class BundleReaderFuzzTest {
    /**
     * Any input is read or rejected with {@link BundleRejectedException}, the only exception the reader throws on
     * purpose, and the reader never reads more than {@link BundleReader#MAX_METADATA_BYTES} plus the disk size it
     * accepted. The disk data may also fail with an {@link IOException} when the archive is truncated.
     */
    @FuzzTest
    void readAnyBundle(byte[] data) {
        BoundCheckingInputStream in = new BoundCheckingInputStream(data, BundleReader.MAX_METADATA_BYTES);
        try {
            BundleReader reader = BundleReader.open(in);
            InputStream disk = reader.openDisk();
            in.raiseBound(reader.manifest().sizeBytes());
            long diskBytes = disk.transferTo(OutputStream.nullOutputStream());
            assertThat(diskBytes).isEqualTo(reader.manifest().sizeBytes());
            reader.requireEnd();
        } catch (BundleRejectedException expected) {
            assertThat(expected.reason().message()).isNotBlank();
        } catch (IOException truncated) {
            assertThat(truncated.getMessage()).isNotNull();
        }
        assertThat(in.bytesRead()).isLessThanOrEqualTo(in.bound());
    }

    /** Serves the fuzz input and fails the test at once when a read would go past the bound. */
    private static final class BoundCheckingInputStream extends ByteArrayInputStream {
        private long bound;
        private long bytesRead;

        BoundCheckingInputStream(byte[] data, long bound) {
            super(data);
            this.bound = bound;
        }

        void raiseBound(long bytes) {
            bound += bytes;
        }

        long bound() {
            return bound;
        }

        long bytesRead() {
            return bytesRead;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            int n = super.read(buffer, offset, length);
            count(n);
            return n;
        }

        @Override
        public synchronized int read() {
            int value = super.read();
            count(value < 0 ? -1 : 1);
            return value;
        }

        @Override
        public synchronized long skip(long n) {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) {
            if (n > 0) {
                bytesRead += n;
                if (bytesRead > bound) {
                    throw new AssertionError("the reader read " + bytesRead + " bytes, past its bound of " + bound);
                }
            }
        }
    }
}
