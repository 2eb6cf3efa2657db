package dev.imagestorage.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading a catalog from JSON: the parts, the defaults they are merged with, and every validation error. */
class CatalogJsonTest {
    private static final RegionId JP1 = RegionId.of("JP1");
    private static final RegionId JP2 = RegionId.of("JP2");
    private static final RegionId US1 = RegionId.of("US1");

    /** The example catalog of the documentation, relative to the module folder that Maven runs the tests in. */
    private static final Path EXAMPLE_FILE = Path.of("..", "docs", "catalog-example.json");
    private static final Path SCHEMA_DOC = Path.of("..", "docs", "catalog.md");

    private static Set<RegionId> regions(String... ids) {
        Set<RegionId> regions = new LinkedHashSet<>();
        for (String id : ids) {
            regions.add(RegionId.of(id));
        }
        return regions;
    }

    /** Asserts that two catalogs have equal parts, since {@link Catalog} has no equality of its own. */
    private static void assertSameCatalog(Catalog actual, Catalog expected) {
        assertThat(List.copyOf(actual.regions())).isEqualTo(List.copyOf(expected.regions()));
        assertThat(actual.limits()).isEqualTo(expected.limits());
        assertThat(actual.operatingSystems()).isEqualTo(expected.operatingSystems());
        assertThat(actual.officialTemplates()).isEqualTo(expected.officialTemplates());
    }

    /** Writes {@code catalog} in the schema {@link CatalogJson} reads, for the round trip. */
    private static String toJson(Catalog catalog) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();

        ArrayNode regions = root.putArray("regions");
        catalog.regions().forEach(region -> regions.add(region.value()));

        Limits limits = catalog.limits();
        root.putObject("limits")
                .put("maxImageSizeGb", limits.maxImageSizeBytes() / Limits.GB)
                .put("maxImagesPerPlanPerTenant", limits.maxImagesPerPlanPerTenant())
                .put("maxCopySizeGb", limits.maxCopySizeBytes() / Limits.GB)
                .put("maxPortalUploadGb", limits.maxPortalUploadBytes() / Limits.GB);

        ArrayNode systems = root.putArray("operatingSystems");
        for (OsOffer offer : catalog.operatingSystems()) {
            ObjectNode system = systems.addObject()
                    .put("product", offer.product())
                    .put("family", offer.family().name())
                    .put("minimumServicePack", offer.minimumServicePack());
            offer.extendedSupportEnd().ifPresent(end -> system.put("extendedSupportEnd", end.toString()));
            ObjectNode offers = system.putObject("licenseOffers");
            offer.licenseOffers().forEach((form, offered) -> {
                ArrayNode list = offers.putArray(form.name());
                offered.forEach(region -> list.add(region.value()));
            });
        }

        ArrayNode templates = root.putArray("officialTemplates");
        for (OfficialTemplate template : catalog.officialTemplates().values()) {
            ObjectNode node = templates.addObject().put("id", template.id()).put("name", template.name());
            ArrayNode copyRegions = node.putArray("derivedCopyRegions");
            template.derivedCopyRegions().forEach(region -> copyRegions.add(region.value()));
        }
        return root.toString();
    }

    @Nested
    class FullDocument {
        private static final String DOCUMENT = """
                {
                  "regions": ["JP1", "JP2", "US1"],
                  "limits": {"maxImageSizeGb": 2048, "maxImagesPerPlanPerTenant": 100, "maxCopySizeGb": 200,
                             "maxPortalUploadGb": 5},
                  "operatingSystems": [
                    {"product": "Windows Server 2012 R2 Standard", "family": "WINDOWS_SERVER",
                     "minimumServicePack": 0, "extendedSupportEnd": "2023-10-10",
                     "licenseOffers": {"LICENSE_SWITCH": ["JP1", "US1"], "PROVIDER_LICENSE_CONTINUED_USE": ["JP2"]}},
                    {"product": "Red Hat Enterprise Linux", "family": "RED_HAT_ENTERPRISE_LINUX",
                     "licenseOffers": {"BYOL": ["JP1", "JP2", "US1"]}}
                  ],
                  "officialTemplates": [
                    {"id": "ubuntu-24.04", "name": "Ubuntu 24.04 LTS", "derivedCopyRegions": ["JP1", "US1"]},
                    {"id": "centos-stream-9"}
                  ]
                }
                """;

        @Test
        void readsExpectedCatalog() {
            Catalog catalog = CatalogJson.parse(DOCUMENT);

            Map<LicenseType, Set<RegionId>> windowsOffers = new EnumMap<>(LicenseType.class);
            windowsOffers.put(LicenseType.LICENSE_SWITCH, regions("JP1", "US1"));
            windowsOffers.put(LicenseType.PROVIDER_LICENSE_CONTINUED_USE, regions("JP2"));
            Catalog expected = Catalog.of(regions("JP1", "JP2", "US1"),
                    new Limits(2048 * Limits.GB, 100, 200 * Limits.GB, 5 * Limits.GB),
                    List.of(new OsOffer("Windows Server 2012 R2 Standard", OsFamily.WINDOWS_SERVER, 0,
                                    Optional.of(LocalDate.of(2023, 10, 10)), windowsOffers),
                            new OsOffer("Red Hat Enterprise Linux", OsFamily.RED_HAT_ENTERPRISE_LINUX, 0,
                                    Optional.empty(), Map.of(LicenseType.BYOL, regions("JP1", "JP2", "US1")))),
                    List.of(new OfficialTemplate("ubuntu-24.04", "Ubuntu 24.04 LTS", regions("JP1", "US1")),
                            new OfficialTemplate("centos-stream-9", "centos-stream-9", Set.of())));

            assertSameCatalog(catalog, expected);
        }

        @Test
        void keepsListedOrder() {
            Catalog catalog = CatalogJson.parse(DOCUMENT);

            assertThat(List.copyOf(catalog.regions())).containsExactly(JP1, JP2, US1);
            assertThat(catalog.operatingSystems()).extracting(OsOffer::product)
                    .containsExactly("Windows Server 2012 R2 Standard", "Red Hat Enterprise Linux");
            assertThat(catalog.officialTemplates().keySet()).containsExactly("ubuntu-24.04", "centos-stream-9");
        }

        @Test
        void streamAndTextReadAlike() {
            Catalog fromStream = CatalogJson.read(new ByteArrayInputStream(DOCUMENT.getBytes(StandardCharsets.UTF_8)));

            assertSameCatalog(fromStream, CatalogJson.parse(DOCUMENT));
        }

        @Test
        void streamLeftOpen() {
            AtomicBoolean closed = new AtomicBoolean();
            InputStream json = new ByteArrayInputStream(DOCUMENT.getBytes(StandardCharsets.UTF_8)) {
                @Override
                public void close() {
                    closed.set(true);
                }
            };

            CatalogJson.read(json);

            assertThat(closed).isFalse();
        }

        @Test
        void fileReadAlike(@TempDir Path folder) throws IOException {
            Path file = folder.resolve("catalog.json");
            Files.writeString(file, DOCUMENT);

            assertSameCatalog(CatalogJson.read(file), CatalogJson.parse(DOCUMENT));
        }

        @Test
        void missingFileNamed(@TempDir Path folder) {
            Path missing = folder.resolve("missing.json");

            assertThatThrownBy(() -> CatalogJson.read(missing))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("catalog file " + missing + " not found");
        }
    }

    @Nested
    class RoundTrip {
        @Test
        void defaultsReadBack() {
            Catalog defaults = Catalog.defaults();

            assertSameCatalog(CatalogJson.parse(toJson(defaults)), defaults);
        }

        @Test
        void customCatalogReadsBack() {
            Catalog custom = Catalog.defaults().withRegion(US1)
                    .withLimits(new Limits(100 * Limits.GB, 3, 50 * Limits.GB, Limits.GB))
                    .withOfficialTemplate(new OfficialTemplate("ubuntu", "Ubuntu", regions("US1", "JP1")));

            assertSameCatalog(CatalogJson.parse(toJson(custom)), custom);
        }
    }

    @Nested
    class Defaults {
        @Test
        void emptyDocumentIsDefaults() {
            assertSameCatalog(CatalogJson.parse("{}"), Catalog.defaults());
        }

        @Test
        void regionsAloneLimitDefaultOffers() {
            Catalog catalog = CatalogJson.parse("{\"regions\": [\"JP1\", \"US1\"]}");

            OsOffer windows = catalog.operatingSystems().get(0);
            OsOffer rhel = catalog.operatingSystems().get(catalog.operatingSystems().size() - 1);
            assertThat(List.copyOf(catalog.regions())).containsExactly(JP1, US1);
            assertThat(catalog.limits()).isEqualTo(Limits.defaults());
            assertThat(windows.product()).isEqualTo("Windows Server 2012 R2 Standard");
            assertThat(windows.regionsOffering(LicenseType.LICENSE_SWITCH)).containsExactly(JP1);
            assertThat(windows.regionsOffering(LicenseType.PROVIDER_LICENSE_CONTINUED_USE)).containsExactly(JP1);
            assertThat(rhel.regionsOffering(LicenseType.BYOL)).containsExactly(JP1, US1);
            assertThat(catalog.officialTemplates()).isEmpty();
        }

        @Test
        void eachLimitReplacedAlone() {
            Catalog catalog = CatalogJson.parse("{\"limits\": {\"maxCopySizeGb\": 100}}");

            assertThat(catalog.limits()).isEqualTo(Limits.defaults().withMaxCopySizeBytes(100 * Limits.GB));
            assertThat(List.copyOf(catalog.regions())).isEqualTo(List.copyOf(Catalog.defaults().regions()));
        }

        @Test
        void emptyLimitsAreDefaults() {
            assertThat(CatalogJson.parse("{\"limits\": {}}").limits()).isEqualTo(Limits.defaults());
        }

        @Test
        void operatingSystemsReplaceDefaults() {
            Catalog catalog = CatalogJson.parse("""
                    {"operatingSystems": [{"product": "SUSE Linux Enterprise Server 15", "family": "OTHER"}]}
                    """);

            assertThat(catalog.operatingSystems()).containsExactly(new OsOffer("SUSE Linux Enterprise Server 15",
                    OsFamily.OTHER, 0, Optional.empty(), Map.of()));
        }

        @Test
        void emptyOperatingSystemsOfferNothing() {
            assertThat(CatalogJson.parse("{\"operatingSystems\": []}").operatingSystems()).isEmpty();
        }

        @Test
        void templateNameDefaultsToId() {
            Catalog catalog = CatalogJson.parse("{\"officialTemplates\": [{\"id\": \"ubuntu\"}]}");

            assertThat(catalog.officialTemplates()).containsExactly(
                    Map.entry("ubuntu", new OfficialTemplate("ubuntu", "ubuntu", Set.of())));
        }
    }

    @Nested
    class ValidationErrors {
        private static InvalidCatalogException rejection(String json) {
            InvalidCatalogException error = catchThrowableOfType(InvalidCatalogException.class,
                    () -> CatalogJson.parse(json));
            assertThat(error).as("expected %s to be rejected", json).isNotNull();
            return error;
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                unknown region in offer         | {"operatingSystems": [{"product": "X", "family": "OTHER", "licenseOffers": {"LICENSE_SWITCH": ["JP1", "US9"]}}]} | $.operatingSystems[0].licenseOffers.LICENSE_SWITCH[1] | unknown region 'US9'
                unknown region in template      | {"officialTemplates": [{"id": "ubuntu", "derivedCopyRegions": ["US1"]}]}                                       | $.officialTemplates[0].derivedCopyRegions[0]          | unknown region 'US1'
                negative limit                  | {"limits": {"maxCopySizeGb": -1}}                                                                                | $.limits.maxCopySizeGb                                | found -1
                zero limit                      | {"limits": {"maxPortalUploadGb": 0}}                                                                             | $.limits.maxPortalUploadGb                            | found 0
                zero quota                      | {"limits": {"maxImagesPerPlanPerTenant": 0}}                                                                     | $.limits.maxImagesPerPlanPerTenant                    | found 0
                limit over maximum              | {"limits": {"maxImagesPerPlanPerTenant": 3000000000}}                                                            | $.limits.maxImagesPerPlanPerTenant                    | found 3000000000
                duplicate region                | {"regions": ["JP1", "JP2", "JP1"]}                                                                               | $.regions[2]                                          | region 'JP1' is listed twice
                duplicate region in offer       | {"operatingSystems": [{"product": "X", "family": "OTHER", "licenseOffers": {"BYOL": ["JP2", "JP2"]}}]}         | $.operatingSystems[0].licenseOffers.BYOL[1]           | region 'JP2' is listed twice
                no region                       | {"regions": []}                                                                                                  | $.regions                                             | at least one region
                invalid region id               | {"regions": ["JP 1"]}                                                                                            | $.regions[0]                                          | 'JP 1'
                unknown license form            | {"operatingSystems": [{"product": "X", "family": "OTHER", "licenseOffers": {"BRING_YOUR_OWN": ["JP1"]}}]}      | $.operatingSystems[0].licenseOffers.BRING_YOUR_OWN    | 'BRING_YOUR_OWN'
                NONE as a form                  | {"operatingSystems": [{"product": "X", "family": "OTHER", "licenseOffers": {"NONE": ["JP1"]}}]}                | $.operatingSystems[0].licenseOffers.NONE              | license form NONE can not be offered
                unknown family                  | {"operatingSystems": [{"product": "X", "family": "LINUX"}]}                                                      | $.operatingSystems[0].family                          | 'LINUX'
                unknown top-level field         | {"region": ["JP1"]}                                                                                              | $.region                                              | unknown field 'region'
                misspelt limit                  | {"limits": {"maxImageSizeGB": 10}}                                                                               | $.limits.maxImageSizeGB                               | unknown field 'maxImageSizeGB'
                misspelt system field           | {"operatingSystems": [{"product": "X", "family": "OTHER", "servicePack": 1}]}                                   | $.operatingSystems[0].servicePack                     | unknown field 'servicePack'
                misspelt template field         | {"officialTemplates": [{"id": "ubuntu", "regions": ["JP1"]}]}                                                    | $.officialTemplates[0].regions                        | unknown field 'regions'
                limit as string                 | {"limits": {"maxCopySizeGb": "300"}}                                                                             | $.limits.maxCopySizeGb                                | found "300"
                fractional limit                | {"limits": {"maxCopySizeGb": 1.5}}                                                                               | $.limits.maxCopySizeGb                                | found 1.5
                regions as string               | {"regions": "JP1"}                                                                                               | $.regions                                             | found "JP1"
                region as number                | {"regions": [1]}                                                                                                 | $.regions[0]                                          | found 1
                limits as array                 | {"limits": [10]}                                                                                                 | $.limits                                              | found [10]
                systems as object               | {"operatingSystems": {"product": "X"}}                                                                           | $.operatingSystems                                    | found {"product":"X"}
                templates as string             | {"officialTemplates": "ubuntu"}                                                                                  | $.officialTemplates                                   | found "ubuntu"
                offer regions as string         | {"operatingSystems": [{"product": "X", "family": "OTHER", "licenseOffers": {"BYOL": "JP1"}}]}                  | $.operatingSystems[0].licenseOffers.BYOL              | found "JP1"
                product as number               | {"operatingSystems": [{"product": 42, "family": "OTHER"}]}                                                       | $.operatingSystems[0].product                         | found 42
                empty product                   | {"operatingSystems": [{"product": "", "family": "OTHER"}]}                                                       | $.operatingSystems[0].product                         | found ""
                missing family                  | {"operatingSystems": [{"product": "X"}]}                                                                         | $.operatingSystems[0].family                          | found nothing
                service pack as string          | {"operatingSystems": [{"product": "X", "family": "OTHER", "minimumServicePack": "1"}]}                          | $.operatingSystems[0].minimumServicePack              | found "1"
                negative service pack           | {"operatingSystems": [{"product": "X", "family": "OTHER", "minimumServicePack": -1}]}                           | $.operatingSystems[0].minimumServicePack              | found -1
                document as array               | []                                                                                                               | $                                                     | found []
                bad date                        | {"operatingSystems": [{"product": "X", "family": "OTHER", "extendedSupportEnd": "2023-02-30"}]}                 | $.operatingSystems[0].extendedSupportEnd              | found "2023-02-30"
                date as number                  | {"operatingSystems": [{"product": "X", "family": "OTHER", "extendedSupportEnd": 20231010}]}                     | $.operatingSystems[0].extendedSupportEnd              | found 20231010
                duplicate product               | {"operatingSystems": [{"product": "X", "family": "OTHER"}, {"product": "x", "family": "OTHER"}]}               | $.operatingSystems[1].product                         | product 'x' is listed twice
                duplicate template id           | {"officialTemplates": [{"id": "ubuntu"}, {"id": "ubuntu"}]}                                                      | $.officialTemplates[1].id                             | official template id 'ubuntu' is listed twice
                """)
        void errorNamesPathAndValue(String description, String json, String path, String fragment) {
            InvalidCatalogException error = rejection(json);

            assertThat(error.path()).isEqualTo(path);
            assertThat(error.getMessage()).startsWith("invalid catalog at " + path + ": ").contains(fragment);
        }

        @Test
        void invalidJsonNamesLocation() {
            InvalidCatalogException error = rejection("{\"regions\": [\"JP1\",\n \"JP2\" }");

            assertThat(error.path()).isEqualTo("$");
            assertThat(error.getMessage()).contains("not valid JSON at line 2, column ").contains("'}'");
        }

        @Test
        void emptyDocumentRejected() {
            InvalidCatalogException error = rejection("");

            assertThat(error.path()).isEqualTo("$");
            assertThat(error.getMessage()).contains("expected an object, found nothing");
        }

        @Test
        void trailingContentRejected() {
            InvalidCatalogException error = rejection("{\"regions\": [\"JP1\"]} {\"regions\": [\"JP2\"]}");

            assertThat(error.path()).isEqualTo("$");
            assertThat(error.getMessage()).contains("not valid JSON at line 1, column ").contains("Trailing token");
        }

        @Test
        void duplicateKeyRejected() {
            InvalidCatalogException error = rejection("{\"limits\": {\"maxCopySizeGb\": 300, \"maxCopySizeGb\": 3}}");

            assertThat(error.path()).isEqualTo("$");
            assertThat(error.getMessage()).contains("not valid JSON at line 1, column ")
                    .contains("Duplicate field 'maxCopySizeGb'");
        }

        @Test
        void longValueShortened() {
            InvalidCatalogException error = rejection("{\"regions\": \"" + "x".repeat(500) + "\"}");

            assertThat(error.getMessage()).contains("found \"xxxx").contains("...").hasSizeLessThan(300);
        }
    }

    @Nested
    class Documentation {
        @Test
        void exampleFileLoads() {
            assertThat(EXAMPLE_FILE).as("the example catalog, read from the module folder").exists();

            Catalog catalog = CatalogJson.read(EXAMPLE_FILE);

            assertThat(List.copyOf(catalog.regions())).containsExactly(JP1, JP2, RegionId.of("JP4"),
                    RegionId.of("JP5"), RegionId.of("JP6"), US1);
            OsOffer windows = catalog.operatingSystems().get(0);
            assertThat(windows.product()).isEqualTo("Windows Server 2012 R2 Standard");
            assertThat(windows.offers(LicenseType.LICENSE_SWITCH, JP1)).isTrue();
            assertThat(windows.offers(LicenseType.LICENSE_SWITCH, US1)).isFalse();
            assertThat(catalog.operatingSystems()).extracting(OsOffer::product)
                    .containsExactlyElementsOf(Catalog.defaults().operatingSystems().stream()
                            .map(OsOffer::product).toList());
            assertThat(catalog.officialTemplates()).isNotEmpty();
            assertThat(catalog.limits()).isEqualTo(Limits.defaults());
        }

        @Test
        void exampleFileKeepsDefaultSystemsInJapan() {
            Catalog catalog = CatalogJson.read(EXAMPLE_FILE);

            for (OsOffer defaultOffer : Catalog.defaults().operatingSystems()) {
                OperatingSystem os = OperatingSystem.of(defaultOffer.family(), defaultOffer.product());
                OsOffer offer = catalog.findOffer(os).orElseThrow();
                assertThat(offer.minimumServicePack()).as(offer.product())
                        .isEqualTo(defaultOffer.minimumServicePack());
                assertThat(offer.extendedSupportEnd()).as(offer.product())
                        .isEqualTo(defaultOffer.extendedSupportEnd());
                for (LicenseType form : LicenseType.values()) {
                    Set<RegionId> japan = new LinkedHashSet<>(offer.regionsOffering(form));
                    japan.remove(US1);
                    assertThat(japan).as(offer.product() + " " + form)
                            .isEqualTo(defaultOffer.regionsOffering(form));
                }
            }
        }

        @Test
        void schemaDocumentExamplesParse() throws IOException {
            String markdown = Files.readString(SCHEMA_DOC);
            Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(markdown);

            int count = 0;
            while (blocks.find()) {
                String block = blocks.group(1);
                Catalog catalog = CatalogJson.parse(block);
                assertThat(catalog.regions()).as(block).isNotEmpty();
                count++;
            }

            assertThat(count).as("JSON examples in " + SCHEMA_DOC).isPositive();
        }
    }
}
