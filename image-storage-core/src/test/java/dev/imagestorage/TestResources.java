package dev.imagestorage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the corpus folders of the test classpath, which the corpus tests of several packages share. */
public final class TestResources {
    private TestResources() {}

    /** Lists the names of the files in the classpath folder {@code folder}, such as {@code /a/b/}, sorted. */
    public static List<String> fileNames(String folder) {
        URL url = TestResources.class.getResource(folder);
        if (url == null) {
            throw new IllegalStateException("folder " + folder + " is missing from the test classpath");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.filter(Files::isRegularFile).map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the file {@code name} of the classpath folder {@code folder}. */
    public static byte[] read(String folder, String name) {
        try (InputStream in = TestResources.class.getResourceAsStream(folder + name)) {
            if (in == null) {
                throw new IllegalStateException("corpus file " + folder + name + " is missing from the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
