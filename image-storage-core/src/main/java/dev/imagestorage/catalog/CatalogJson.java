package dev.imagestorage.catalog;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link Catalog} from a JSON document. Every top-level part is optional: a part that is present replaces
 * the same part of {@link Catalog#defaults()}, and each limit that is present replaces that limit alone. Unknown
 * fields are errors, so that a misspelt setting is never silently ignored.
 *
 * <pre>{@code
 * {
 *   "regions": ["JP1", "JP2", "US1"],
 *   "limits": {"maxImageSizeGb": 4096, "maxImagesPerPlanPerTenant": 256, "maxCopySizeGb": 300,
 *              "maxPortalUploadGb": 10},
 *   "operatingSystems": [
 *     {"product": "Windows Server 2012 R2 Standard", "family": "WINDOWS_SERVER", "minimumServicePack": 0,
 *      "extendedSupportEnd": "2023-10-10",
 *      "licenseOffers": {"LICENSE_SWITCH": ["JP1"], "PROVIDER_LICENSE_CONTINUED_USE": ["JP1"]}}
 *   ],
 *   "officialTemplates": [{"id": "ubuntu-22.04", "name": "Ubuntu 22.04", "derivedCopyRegions": ["JP1"]}]
 * }
 * }</pre>
 *
 * <p>Every error is an {@link InvalidCatalogException} that names the JSON path and the value.
 */
public final class CatalogJson {
    /**
     * Rejects duplicate keys and content after the document, which would otherwise override or drop a setting
     * silently, and leaves a caller's stream open.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> TOP_LEVEL = Set.of("regions", "limits", "operatingSystems", "officialTemplates");
    private static final Set<String> LIMIT_FIELDS =
            Set.of("maxImageSizeGb", "maxImagesPerPlanPerTenant", "maxCopySizeGb", "maxPortalUploadGb");
    private static final Set<String> OS_FIELDS =
            Set.of("product", "family", "minimumServicePack", "extendedSupportEnd", "licenseOffers");
    private static final Set<String> TEMPLATE_FIELDS = Set.of("id", "name", "derivedCopyRegions");

    private CatalogJson() {}

    /** Reads a catalog from a JSON file. */
    public static Catalog read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UncheckedIOException("catalog file " + file + " not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read catalog file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a catalog from a stream of JSON text; the stream is not closed. */
    public static Catalog read(InputStream json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalidJson(e);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read catalog: " + e.getMessage(), e);
        }
    }

    /** Reads a catalog from JSON text. */
    public static Catalog parse(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalidJson(e);
        }
    }

    private static InvalidCatalogException invalidJson(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null
                ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return new InvalidCatalogException("$", "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }

    private static Catalog fromTree(JsonNode root) {
        ObjectNode document = object(root, "$");
        checkFields(document, "$", TOP_LEVEL);
        Catalog defaults = Catalog.defaults();

        Set<RegionId> regions = document.has("regions")
                ? regions(document.get("regions"), "$.regions", Optional.empty())
                : defaults.regions();
        Limits limits = document.has("limits") ? limits(document.get("limits"), defaults.limits()) : defaults.limits();
        List<OsOffer> offers = document.has("operatingSystems")
                ? operatingSystems(document.get("operatingSystems"), regions)
                : Catalog.of(regions, limits).operatingSystems();
        List<OfficialTemplate> templates = document.has("officialTemplates")
                ? officialTemplates(document.get("officialTemplates"), regions)
                : List.of();
        try {
            return Catalog.of(regions, limits, offers, templates);
        } catch (IllegalArgumentException e) {
            throw new InvalidCatalogException("$", e.getMessage(), e);
        }
    }

    private static Limits limits(JsonNode node, Limits defaults) {
        ObjectNode limits = object(node, "$.limits");
        checkFields(limits, "$.limits", LIMIT_FIELDS);
        long imageSize = gigabytes(limits, "maxImageSizeGb", defaults.maxImageSizeBytes());
        int perPlan = (int) positive(limits, "maxImagesPerPlanPerTenant", defaults.maxImagesPerPlanPerTenant(),
                Integer.MAX_VALUE);
        long copySize = gigabytes(limits, "maxCopySizeGb", defaults.maxCopySizeBytes());
        long portal = gigabytes(limits, "maxPortalUploadGb", defaults.maxPortalUploadBytes());
        return new Limits(imageSize, perPlan, copySize, portal);
    }

    private static long gigabytes(ObjectNode limits, String field, long defaultBytes) {
        return positive(limits, field, defaultBytes / Limits.GB, Long.MAX_VALUE / Limits.GB) * Limits.GB;
    }

    private static long positive(ObjectNode limits, String field, long defaultValue, long max) {
        JsonNode value = limits.get(field);
        if (value == null) {
            return defaultValue;
        }
        String path = "$.limits." + field;
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidCatalogException(path, "expected a whole number, found " + value);
        }
        long number = value.asLong();
        if (number <= 0) {
            throw new InvalidCatalogException(path, "the limit must be greater than 0, found " + number);
        }
        if (number > max) {
            throw new InvalidCatalogException(path, "the limit must be at most " + max + ", found " + number);
        }
        return number;
    }

    private static List<OsOffer> operatingSystems(JsonNode node, Set<RegionId> regions) {
        String path = "$.operatingSystems";
        if (!node.isArray()) {
            throw new InvalidCatalogException(path, "expected an array, found " + describe(node));
        }
        List<OsOffer> offers = new ArrayList<>();
        Set<String> products = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String itemPath = path + "[" + i + "]";
            ObjectNode item = object(node.get(i), itemPath);
            checkFields(item, itemPath, OS_FIELDS);

            String product = text(item, "product", itemPath);
            if (!products.add(product.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidCatalogException(itemPath + ".product", "product '" + product + "' is listed twice");
            }
            OsFamily family = enumValue(OsFamily.class, text(item, "family", itemPath), itemPath + ".family");
            int servicePack = item.has("minimumServicePack")
                    ? nonNegativeInt(item.get("minimumServicePack"), itemPath + ".minimumServicePack")
                    : 0;
            Optional<LocalDate> supportEnd = item.has("extendedSupportEnd")
                    ? Optional.of(date(item.get("extendedSupportEnd"), itemPath + ".extendedSupportEnd"))
                    : Optional.empty();
            Map<LicenseType, Set<RegionId>> licenseOffers = item.has("licenseOffers")
                    ? licenseOffers(item.get("licenseOffers"), itemPath + ".licenseOffers", regions)
                    : Map.of();
            offers.add(new OsOffer(product, family, servicePack, supportEnd, licenseOffers));
        }
        return offers;
    }

    private static Map<LicenseType, Set<RegionId>> licenseOffers(JsonNode node, String path, Set<RegionId> regions) {
        ObjectNode offers = object(node, path);
        Map<LicenseType, Set<RegionId>> result = new EnumMap<>(LicenseType.class);
        Iterator<Map.Entry<String, JsonNode>> fields = offers.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String formPath = path + "." + field.getKey();
            LicenseType form = enumValue(LicenseType.class, field.getKey(), formPath);
            if (form == LicenseType.NONE) {
                throw new InvalidCatalogException(formPath, "license form NONE can not be offered; list only "
                        + "BYOL, PROVIDER_LICENSE_CONTINUED_USE or LICENSE_SWITCH");
            }
            result.put(form, regions(field.getValue(), formPath, Optional.of(regions)));
        }
        return result;
    }

    private static List<OfficialTemplate> officialTemplates(JsonNode node, Set<RegionId> regions) {
        String path = "$.officialTemplates";
        if (!node.isArray()) {
            throw new InvalidCatalogException(path, "expected an array, found " + describe(node));
        }
        List<OfficialTemplate> templates = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String itemPath = path + "[" + i + "]";
            ObjectNode item = object(node.get(i), itemPath);
            checkFields(item, itemPath, TEMPLATE_FIELDS);
            String id = text(item, "id", itemPath);
            if (!ids.add(id)) {
                throw new InvalidCatalogException(itemPath + ".id", "official template id '" + id
                        + "' is listed twice");
            }
            String name = item.has("name") ? text(item, "name", itemPath) : id;
            Set<RegionId> copyRegions = item.has("derivedCopyRegions")
                    ? regions(item.get("derivedCopyRegions"), itemPath + ".derivedCopyRegions", Optional.of(regions))
                    : Set.of();
            templates.add(new OfficialTemplate(id, name, copyRegions));
        }
        return templates;
    }

    /** Reads an array of region ids; with {@code known} present, every id must be one of them. */
    private static Set<RegionId> regions(JsonNode node, String path, Optional<Set<RegionId>> known) {
        if (!node.isArray()) {
            throw new InvalidCatalogException(path, "expected an array of region ids, found " + describe(node));
        }
        if (known.isEmpty() && node.isEmpty()) {
            throw new InvalidCatalogException(path, "the catalog must list at least one region");
        }
        Set<RegionId> result = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw new InvalidCatalogException(itemPath, "expected a region id string, found " + item);
            }
            RegionId region;
            try {
                region = RegionId.of(item.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidCatalogException(itemPath, e.getMessage(), e);
            }
            if (known.isPresent() && !known.get().contains(region)) {
                throw new InvalidCatalogException(itemPath, "unknown region '" + region + "'; the catalog's regions"
                        + " are " + known.get());
            }
            if (!result.add(region)) {
                throw new InvalidCatalogException(itemPath, "region '" + region + "' is listed twice");
            }
        }
        return result;
    }

    private static ObjectNode object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidCatalogException(path, "expected an object, found " + describe(node));
        }
        return (ObjectNode) node;
    }

    /** Renders a JSON value for an error message, cut after 60 characters. */
    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    private static void checkFields(ObjectNode node, String path, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidCatalogException(path + "." + name, "unknown field '" + name + "'; the fields here"
                        + " are " + allowed.stream().sorted().toList());
            }
        }
    }

    private static String text(ObjectNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidCatalogException(path + "." + field, "expected a non-empty string, found "
                    + (value == null ? "nothing" : value));
        }
        return value.asText();
    }

    private static int nonNegativeInt(JsonNode value, String path) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
            throw new InvalidCatalogException(path, "expected a whole number of 0 or more, found " + value);
        }
        return value.asInt();
    }

    private static LocalDate date(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw new InvalidCatalogException(path, "expected a date such as \"2023-10-10\", found " + value);
        }
        try {
            return LocalDate.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new InvalidCatalogException(path, "expected a date such as \"2023-10-10\", found " + value, e);
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String path) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new InvalidCatalogException(path, "unknown " + type.getSimpleName() + " '" + name + "'; expected one of "
                + Arrays.toString(type.getEnumConstants()));
    }
}
