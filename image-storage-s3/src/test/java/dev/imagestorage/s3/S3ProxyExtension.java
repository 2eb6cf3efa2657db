package dev.imagestorage.s3;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts one in-memory {@link S3ProxyServer} for the whole test run, on the first test class that uses this
 * extension, and stops it when the run ends. Tests isolate themselves by using new buckets, from
 * {@link #newBucketPrefix()}.
 */
public final class S3ProxyExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3ProxyExtension.class);
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static volatile Shared shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        shared = context.getRoot().getStore(NAMESPACE).computeIfAbsent(Shared.class, unused -> {
            S3ProxyServer server = S3ProxyServer.startInMemory();
            return new Shared(server, server.newClient());
        }, Shared.class);
    }

    /** The server of this test run. */
    public static S3ProxyServer server() {
        return current().server();
    }

    /** A client of the server, shared by the tests of this run; tests must not close it. */
    public static S3Client client() {
        return current().client();
    }

    /** Returns a bucket name prefix that no other test of this run uses, such as {@code t17-3f0c9a}. */
    public static String newBucketPrefix() {
        return "t" + BUCKETS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static Shared current() {
        Shared value = shared;
        if (value == null) {
            throw new IllegalStateException("S3ProxyExtension has not started: annotate the test class with"
                    + " @ExtendWith(S3ProxyExtension.class)");
        }
        return value;
    }

    /** The server and its shared client, closed by JUnit at the end of the run. */
    private record Shared(S3ProxyServer server, S3Client client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
        }
    }
}
