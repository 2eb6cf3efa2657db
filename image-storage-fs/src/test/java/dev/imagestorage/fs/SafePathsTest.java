package dev.imagestorage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafePathsTest {
    @TempDir
    Path base;

    private Path root;
    private SafePaths paths;

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createDirectory(base.resolve("root")).toRealPath();
        paths = new SafePaths(root);
    }

    @Test
    void validNamesResolveUnderRoot() {
        assertThat(paths.resolve("metadata", "images.d", "img-1.meta"))
                .isEqualTo(root.resolve("metadata").resolve("images.d").resolve("img-1.meta"));
        assertThat(paths.resolve("blobs", "JP1", ".upload-1234.tmp")).startsWithRaw(root);
        assertThat(paths.resolve("a..b")).isEqualTo(root.resolve("a..b"));
        assertThat(paths.resolve("x".repeat(SafePaths.MAX_NAME_LENGTH))).startsWithRaw(root);
    }

    @Test
    void traversalNamesRejected() {
        for (String name : List.of("..", ".", "../", "../etc", "a/../..", "a/b")) {
            assertThatThrownBy(() -> paths.resolve("blobs", name))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid path name")
                    .hasMessageContaining(root.toString());
        }
    }

    @Test
    void absolutePathsRejected() {
        for (String name : List.of("/etc/passwd", "/", base.toString(), root.getParent().toString(), "C:\\evil",
                "C:")) {
            assertThatThrownBy(() -> paths.resolve(name))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid path name");
        }
    }

    @Test
    void controlCharactersRejected() {
        assertThatThrownBy(() -> paths.resolve("img\u0000.raw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid path name 'img\\u0000.raw'");
        assertThatThrownBy(() -> paths.resolve("img\n.raw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("img\\u000A.raw");
    }

    @Test
    void backslashesRejected() {
        for (String name : List.of("..\\..\\evil", "a\\b", "\\\\server\\share")) {
            assertThatThrownBy(() -> paths.resolve(name))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid path name");
        }
    }

    @Test
    void overlongNameRejected() {
        String name = "a".repeat(300);

        assertThatThrownBy(() -> paths.resolve("blobs", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(300 characters)")
                .hasMessageContaining("1 to 255 characters");
    }

    @Test
    void emptyAndNullNamesRejected() {
        assertThatThrownBy(() -> paths.resolve(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0 characters)");
        assertThatThrownBy(() -> paths.resolve(Arrays.asList("blobs", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> paths.resolve(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no names");
    }

    @Test
    void rejectedNamesWriteNothingOutsideRoot() throws IOException {
        List<String> before = treeUnder(base);
        List<String> hostile = List.of("..", "../escaped", "/etc/passwd", base.resolve("escaped").toString(),
                "escaped\u0000", "..\\escaped", "a".repeat(300));

        for (String name : hostile) {
            assertThatThrownBy(() -> Files.writeString(paths.resolve(name), "must not be written"))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Files.writeString(paths.resolve("blobs", name), "must not be written"))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }

        assertThat(treeUnder(base)).isEqualTo(before);
        assertThat(base.getParent().resolve("escaped")).doesNotExist();
    }

    private static List<String> treeUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder, 2)) {
            return walk.map(Path::toString).sorted().toList();
        }
    }
}
