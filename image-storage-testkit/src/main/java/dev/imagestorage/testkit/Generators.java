package dev.imagestorage.testkit;

import static java.util.Objects.requireNonNull;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.spi.MetadataKey;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators for the model. Every generated value is valid, and the generators shrink towards short
 * values made of the first letters of the alphabet.
 */
public final class Generators {
    /** Maximum length of a tenant, contract or region id, as the id records enforce it. */
    private static final int MAX_ID_LENGTH = 64;

    private static final List<Character> ALPHANUMERIC =
            characters("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    private static final List<Character> ID_CHARACTERS = concat(ALPHANUMERIC, characters("-_"));
    private static final List<Character> SEGMENT_CHARACTERS = concat(ALPHANUMERIC, characters("-_."));

    private Generators() {}

    /** Tenant ids of 1 to 64 characters. */
    public static Gen<TenantId> tenantIds() {
        return names(ID_CHARACTERS, MAX_ID_LENGTH).map(TenantId::of);
    }

    /** Contract ids of 1 to 64 characters. */
    public static Gen<ContractId> contractIds() {
        return names(ID_CHARACTERS, MAX_ID_LENGTH).map(ContractId::of);
    }

    /** Region ids picked from {@code regions}, which must not be empty. */
    public static Gen<RegionId> regionIds(List<RegionId> regions) {
        requireNonNull(regions, "regions");
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("regions is empty: pass at least one region id to pick from");
        }
        return Generate.pick(List.copyOf(regions));
    }

    /** Tenants with generated ids and contracts, each in a region picked from {@code regions}. */
    public static Gen<Tenant> tenants(List<RegionId> regions) {
        return tenantIds().zip(contractIds(), regionIds(regions), Tenant::new);
    }

    /** Metadata keys of 1 to {@link MetadataKey#MAX_SEGMENTS} segments of 1 to 128 characters each. */
    public static Gen<MetadataKey> metadataKeys() {
        return metadataKeys(MetadataKey.MAX_SEGMENTS, MetadataKey.MAX_SEGMENT_LENGTH);
    }

    /**
     * Metadata keys of 1 to {@code maxSegments} segments of 1 to {@code maxSegmentLength} characters each. Small
     * limits make generated keys share prefixes more often.
     */
    public static Gen<MetadataKey> metadataKeys(int maxSegments, int maxSegmentLength) {
        if (maxSegments < 1 || maxSegments > MetadataKey.MAX_SEGMENTS) {
            throw new IllegalArgumentException("invalid maximum segment count " + maxSegments + ": use 1 to "
                    + MetadataKey.MAX_SEGMENTS);
        }
        if (maxSegmentLength < 1 || maxSegmentLength > MetadataKey.MAX_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("invalid maximum segment length " + maxSegmentLength + ": use 1 to "
                    + MetadataKey.MAX_SEGMENT_LENGTH);
        }
        return lists().of(names(SEGMENT_CHARACTERS, maxSegmentLength))
                .ofSizeBetween(1, maxSegments)
                .map(MetadataKey::new);
    }

    /** Byte arrays of 0 to {@code maxLength} bytes of any value. */
    public static Gen<byte[]> byteArrays(int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("invalid maximum length " + maxLength + ": it must be 0 or more");
        }
        Gen<Byte> anyByte = Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0);
        return Generate.byteArrays(Generate.range(0, maxLength), anyByte);
    }

    /** Names that start with a letter or digit and continue with {@code rest}, 1 to {@code maxLength} long. */
    private static Gen<String> names(List<Character> rest, int maxLength) {
        Gen<Character> first = Generate.pick(ALPHANUMERIC);
        Gen<List<Character>> tail = lists().of(Generate.pick(rest)).ofSizeBetween(0, maxLength - 1);
        return first.zip(tail, (head, others) -> {
            StringBuilder name = new StringBuilder(1 + others.size()).append(head);
            others.forEach(name::append);
            return name.toString();
        });
    }

    private static List<Character> characters(String text) {
        return text.chars().mapToObj(c -> (char) c).toList();
    }

    private static List<Character> concat(List<Character> first, List<Character> second) {
        List<Character> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
