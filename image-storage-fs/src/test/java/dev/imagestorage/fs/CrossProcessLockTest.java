package dev.imagestorage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.spi.MetadataKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditional writes from separate JVM processes, where only the file locks keep the writers apart. */
class CrossProcessLockTest {
    private static final MetadataKey KEY = MetadataKey.parse("images/img-1");
    private static final int CHILDREN = 2;
    private static final int INCREMENTS_PER_PROCESS = 40;

    @TempDir
    Path base;

    @Test
    void childProcessesIncrementExactly() throws Exception {
        Path root = base.resolve("storage");
        Path startSignal = base.resolve("start");
        List<Process> children = new ArrayList<>();
        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            storage.metadata().create(KEY, "0".getBytes(UTF_8));

            for (int i = 0; i < CHILDREN; i++) {
                children.add(startChild(root, startSignal));
            }
            for (Process child : children) {
                awaitReady(child);
            }
            Files.createFile(startSignal);
            SharedRootTest.increment(storage.metadata(), INCREMENTS_PER_PROCESS);

            for (Process child : children) {
                assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished in time").isTrue();
                String output = new String(child.getInputStream().readAllBytes(), UTF_8);
                assertThat(child.exitValue()).as("child exit code, output: " + output).isZero();
            }
            assertThat(new String(storage.metadata().get(KEY).orElseThrow().value(), UTF_8))
                    .isEqualTo(Integer.toString((CHILDREN + 1) * INCREMENTS_PER_PROCESS));
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static Process startChild(Path root, Path startSignal) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                IncrementWorker.class.getName(), root.toString(), startSignal.toString(),
                Integer.toString(INCREMENTS_PER_PROCESS))
                .redirectErrorStream(true)
                .start();
    }

    /** Reads the child's output until its "ready" line; anything else before the end of output fails the test. */
    private static void awaitReady(Process child) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = output.readLine()) != null) {
            if (line.equals("ready")) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("child process ended before it was ready; its output:\n" + seen);
    }
}
