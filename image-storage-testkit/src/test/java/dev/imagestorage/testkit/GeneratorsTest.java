package dev.imagestorage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.model.RegionId;
import dev.imagestorage.spi.MetadataKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
    private static final List<RegionId> REGIONS = List.of(RegionId.of("JP1"), RegionId.of("US1"));
    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

    @Test
    void tenantIdsMatchIdRule() {
        qt().forAll(Generators.tenantIds()).checkAssert(id -> assertThat(id.value()).matches(ID_PATTERN));
    }

    @Test
    void contractIdsMatchIdRule() {
        qt().forAll(Generators.contractIds()).checkAssert(id -> assertThat(id.value()).matches(ID_PATTERN));
    }

    @Test
    void regionIdsComeFromList() {
        qt().forAll(Generators.regionIds(REGIONS)).checkAssert(region -> assertThat(REGIONS).contains(region));
    }

    @Test
    void regionIdsRejectEmptyList() {
        assertThatThrownBy(() -> Generators.regionIds(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("regions is empty");
    }

    @Test
    void tenantsUseGivenRegions() {
        qt().forAll(Generators.tenants(REGIONS)).checkAssert(tenant -> assertThat(REGIONS).contains(tenant.region()));
    }

    @Test
    void metadataKeysRoundTripThroughParse() {
        qt().forAll(Generators.metadataKeys())
                .checkAssert(key -> assertThat(MetadataKey.parse(key.toString())).isEqualTo(key));
    }

    @Test
    void metadataKeysRespectLimits() {
        qt().forAll(Generators.metadataKeys(3, 5)).checkAssert(key -> {
            assertThat(key.segments()).hasSizeBetween(1, 3);
            assertThat(key.segments()).allSatisfy(segment -> assertThat(segment).hasSizeBetween(1, 5));
        });
    }

    @Test
    void byteArraysRespectMaxLength() {
        qt().forAll(Generators.byteArrays(16)).checkAssert(bytes -> assertThat(bytes.length).isBetween(0, 16));
    }
}
