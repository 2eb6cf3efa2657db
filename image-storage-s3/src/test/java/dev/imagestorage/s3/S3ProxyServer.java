package dev.imagestorage.s3;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3Proxy server in this process, listening on a free port of 127.0.0.1, with random static credentials, and
 * conditional writes made atomic by {@link AtomicConditionsBlobStore}. Tests,
 * the interop script, the examples' test and the benchmark start one each; {@link #newClient()} builds an S3 client
 * whose endpoint, region and credentials are all set, so that no default reaches an AWS host or the instance
 * metadata address.
 */
public final class S3ProxyServer implements AutoCloseable {
    /** The region every client of the server names; S3Proxy accepts any. */
    public static final Region REGION = Region.US_EAST_1;

    private final S3Proxy proxy;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;

    private S3ProxyServer(S3Proxy proxy, URI endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts a server that keeps its objects in memory. */
    public static S3ProxyServer startInMemory() {
        return start(new TransientNio2BlobStore());
    }

    /** Starts a server that keeps its objects in files under {@code folder}, which must exist. */
    public static S3ProxyServer startOnDisk(Path folder) {
        return start(new FilesystemNio2BlobStore(requireNonNull(folder, "folder").toString()));
    }

    private static S3ProxyServer start(BlobStore store) {
        String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String secretKey = UUID.randomUUID().toString();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new AtomicConditionsBlobStore(store))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException("failed to start S3Proxy on 127.0.0.1: " + e, e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        return new S3ProxyServer(proxy, endpoint, accessKey, secretKey);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Builds a new client of this server with path-style addressing and a 30-second call timeout. */
    public S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("failed to stop S3Proxy at " + endpoint + ": " + e, e);
        }
    }
}
