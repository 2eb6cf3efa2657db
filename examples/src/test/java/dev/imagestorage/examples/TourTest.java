package dev.imagestorage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TourTest {
    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Tour.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tourWalksThroughEveryStep() {
        Path store = temp.resolve("store");

        int exitCode = run("--store", store.toString());

        assertThat(exitCode).as(errors()).isZero();
        assertThat(errors()).isEmpty();
        assertThat(output())
                .contains("tenant acme-jp1 of contract acme in JP1")
                .contains("tenant globex-jp2 of contract globex in JP2")
                .contains("template 'demo-template' (qcow2")
                .contains("iso 'demo-installer' (iso")
                .contains("globex-jp1 sees before accepting: []")
                .contains("globex-jp1 sees after accepting:  [demo-template]")
                .contains("dry run first:")
                .contains("would: copy 393216 bytes from region JP1 to region JP2")
                .contains("quota of tenant acme-jp2 for TEMPLATE: 0 -> 1 of 256")
                .contains(": SUCCEEDED, 100%")
                .contains("[share.cross-region]")
                .contains("[copy.cross-contract]")
                .contains("[delete.protected]")
                .contains("[download.derived-from-official]")
                .contains("acting anyway throws OperationDeniedException")
                .contains("passed: ")
                .contains("1. copy from tenant acme-jp1 to tenant acme-jp2")
                .contains("2. share from tenant acme-jp2 with tenant globex-jp2, which accepts")
                .contains("globex-jp2 sees: [demo-template]")
                .contains("the SHA-256 checksums match");
        assertThat(store.resolve("blobs/JP1")).isDirectory();
        assertThat(store.resolve("blobs/JP2")).isDirectory();
    }

    @Test
    void temporaryStoreDeletedAtEnd() {
        int exitCode = run();

        assertThat(exitCode).as(errors()).isZero();
        String firstLine = output().lines().findFirst().orElseThrow();
        Path store = Path.of(firstLine.substring(firstLine.indexOf(": ") + 2));
        assertThat(store).doesNotExist();
    }

    @Test
    void storeUnderFileIsOneLineError() throws IOException {
        Path file = Files.writeString(temp.resolve("afile"), "x");

        int exitCode = run("--store", file.resolve("sub").toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors().lines()).hasSize(1);
        assertThat(errors()).startsWith("tour: error: " + file.resolve("sub") + ": can not create the store folder")
                .doesNotContain("Exception");
    }

    @Test
    void doubleDashEndsOptions() throws IOException {
        Path qcow2 = temp.resolve("--mine.qcow2");
        copyResource("/images/demo-template.qcow2", qcow2);

        int exitCode = run("--store", temp.resolve("store").toString(), "--", qcow2.toString());

        assertThat(exitCode).as(errors()).isZero();
        assertThat(output()).contains("from " + qcow2);
    }

    @Test
    void failedStepTellsWhereStoreIs() throws IOException {
        Path empty = Files.createFile(temp.resolve("empty.iso"));
        Path store = temp.resolve("kept");

        int exitCode = run("--store", store.toString(), empty.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors()).contains("[upload.empty]").contains("the store folder " + store + " keeps");
    }

    @Test
    void tourAcceptsOwnQcow2AndIso() throws IOException {
        Path qcow2 = temp.resolve("mine.qcow2");
        Path iso = temp.resolve("mine.iso");
        copyResource("/images/demo-template.qcow2", qcow2);
        copyResource("/images/demo-installer.iso", iso);

        int exitCode = run("--store", temp.resolve("store").toString(), qcow2.toString(), iso.toString());

        assertThat(exitCode).as(errors()).isZero();
        assertThat(output()).contains("from " + qcow2).contains("from " + iso);
    }

    @Test
    void missingFileIsOneLineError() {
        Path missing = temp.resolve("missing.qcow2");

        int exitCode = run(missing.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors().lines()).containsExactly("tour: error: " + missing + ": file not found");
        assertThat(output()).isEmpty();
    }

    @Test
    void textFileNamedQcow2IsRejected() throws IOException {
        Path text = temp.resolve("notes.qcow2");
        Files.writeString(text, "these are my notes, not a disk image\n".repeat(100));

        int exitCode = run("--store", temp.resolve("store").toString(), text.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors().lines()).hasSize(1);
        assertThat(errors()).startsWith("tour: error: " + text + ": ").contains("[format.mismatch]");
        assertThat(errors()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void isoDeclaredByQcow2NameIsRejected() throws IOException {
        Path wrong = temp.resolve("really-an-iso.qcow2");
        copyResource("/images/demo-installer.iso", wrong);

        int exitCode = run("--store", temp.resolve("store").toString(), wrong.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors()).contains(wrong.toString()).contains("[format.mismatch]").contains("ISO");
    }

    @Test
    void unknownExtensionIsRejected() throws IOException {
        Path file = temp.resolve("picture.png");
        Files.write(file, new byte[] {1, 2, 3});

        int exitCode = run(file.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors().lines()).hasSize(1);
        assertThat(errors()).contains("picture.png").contains(".qcow2");
    }

    @Test
    void nonEmptyStoreIsRejected() throws IOException {
        Path store = Files.createDirectories(temp.resolve("used"));
        Files.writeString(store.resolve("keep.txt"), "data");

        int exitCode = run("--store", store.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors()).contains("new or empty folder");
        assertThat(store.resolve("keep.txt")).hasContent("data");
        try (Stream<Path> entries = Files.list(store)) {
            assertThat(entries).hasSize(1);
        }
    }

    @Test
    void unknownOptionPrintsUsage() {
        int exitCode = run("--bogus");

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors()).contains("tour: error: unknown option '--bogus'").contains("usage: tour");
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run("--help")).isZero();
        assertThat(output()).contains("usage: tour").contains("--store DIR");
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (var in = TourTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, target);
        }
    }
}
