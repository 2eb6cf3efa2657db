package dev.imagestorage.benchmarks;

import dev.imagestorage.benchmarks.CasbinShareRule.ImageAttributes;
import dev.imagestorage.benchmarks.CasbinShareRule.TenantAttributes;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.PolicyEngine;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The arguments of every decision the benchmarks measure, built once per thread before measuring, so that a
 * measured call does nothing but decide.
 *
 * <p>Contract {@code acme} has tenants in JP1 and JP2, contract {@code globex} too. {@code acme-jp1} owns an ACTIVE
 * qcow2 template of 2 GB with a 10 GB virtual disk. The setup checks that every allowed argument set is allowed,
 * that every denied one is denied, and that jCasbin and the engine agree on a table of share requests. It throws
 * {@link IllegalStateException} otherwise, so a benchmark never measures a path other than the one it names.
 */
@State(Scope.Thread)
public class DecisionFixtures {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    final Tenant acmeJp1 = newTenant("acme-jp1", "acme", "JP1");
    final Tenant acmeJp2 = newTenant("acme-jp2", "acme", "JP2");
    final Tenant globexJp1 = newTenant("globex-jp1", "globex", "JP1");
    final Tenant globexJp2 = newTenant("globex-jp2", "globex", "JP2");

    final PolicyEngine engine = new PolicyEngine(Catalog.defaults(), Clock.fixed(AT, ZoneOffset.UTC));
    final Image template = activeTemplate(newTenant("acme-jp1", "acme", "JP1"));
    final Optional<Membership> noMembership = Optional.empty();

    /** Acts for the owner {@code acme-jp1} and has access authority on {@code acme-jp2}, the copy destination. */
    final Caller ownerCaller = Caller.of(
            newTenant("acme-jp1", "acme", "JP1").id(), newTenant("acme-jp2", "acme", "JP2").id());

    /** The acting tenant of a launch, {@code acme-jp1} read apart from the owner, as the service reads both. */
    final Tenant launchActor = newTenant("acme-jp1", "acme", "JP1");

    /** A copy of the template to {@code acme-jp2}, acknowledging that the data moves from JP1 to JP2. */
    final CopyRequest copyToJp2 = CopyRequest.of(template.id(), acmeJp2.id()).acknowledgingDataTransfer();
    final TenantUsage acmeJp2Usage = TenantUsage.empty(acmeJp2.id());

    /** A copy to another contract, which the caller has no access authority on either. */
    final CopyRequest copyToGlobex = CopyRequest.of(template.id(), globexJp1.id());
    final TenantUsage globexJp1Usage = TenantUsage.empty(globexJp1.id());

    /** A virtual server that meets the template's 10 GB disk and 1,024 MB memory minimums. */
    final LaunchRequest virtualServer = LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 20, 2048);

    /** A baremetal server, which is never created from a template. */
    final LaunchRequest baremetalServer = LaunchRequest.of(ResourceType.BAREMETAL_SERVER, 20, 2048);

    CasbinShareRule casbin;
    TenantAttributes acmeJp1Attributes;
    TenantAttributes globexJp1Attributes;
    TenantAttributes globexJp2Attributes;
    ImageAttributes templateAttributes;

    @Setup(Level.Trial)
    public void setUp() {
        casbin = new CasbinShareRule();
        acmeJp1Attributes = new TenantAttributes(acmeJp1);
        globexJp1Attributes = new TenantAttributes(globexJp1);
        globexJp2Attributes = new TenantAttributes(globexJp2);
        templateAttributes = new ImageAttributes(template);

        checkOutcomes();
        checkCasbinAgrees();
    }

    Decision shareWithSameRegion() {
        return engine.addMember(ownerCaller, template, acmeJp1, globexJp1, noMembership);
    }

    Decision shareAcrossRegions() {
        return engine.addMember(ownerCaller, template, acmeJp1, globexJp2, noMembership);
    }

    Decision copyWithinContract() {
        return engine.copy(ownerCaller, template, acmeJp1, acmeJp2, copyToJp2, acmeJp2Usage);
    }

    Decision copyAcrossContracts() {
        return engine.copy(ownerCaller, template, acmeJp1, globexJp1, copyToGlobex, globexJp1Usage);
    }

    Decision launchVirtualServer() {
        return engine.launch(ownerCaller, launchActor, template, acmeJp1, noMembership, virtualServer);
    }

    Decision launchBaremetalServer() {
        return engine.launch(ownerCaller, launchActor, template, acmeJp1, noMembership, baremetalServer);
    }

    private void checkOutcomes() {
        requireOutcome("share with the same region", shareWithSameRegion(), Decision.Outcome.ALLOWED);
        requireOutcome("share across regions", shareAcrossRegions(), Decision.Outcome.DENIED);
        requireOutcome("copy within the contract", copyWithinContract(), Decision.Outcome.ALLOWED);
        requireOutcome("copy across contracts", copyAcrossContracts(), Decision.Outcome.DENIED);
        requireOutcome("launch a virtual server", launchVirtualServer(), Decision.Outcome.ALLOWED);
        requireOutcome("launch a baremetal server", launchBaremetalServer(), Decision.Outcome.DENIED);
    }

    private static void requireOutcome(String name, Decision decision, Decision.Outcome expected) {
        if (decision.outcome() != expected) {
            throw new IllegalStateException("benchmark case '" + name + "' is " + decision.outcome()
                    + ", expected " + expected + ":\n" + decision);
        }
    }

    /** Throws when jCasbin and the engine decide a share request differently. */
    private void checkCasbinAgrees() {
        Image queued = template.withStatus(ImageStatus.QUEUED, AT);
        List<ShareCase> cases = List.of(
                new ShareCase("other contract, same region", acmeJp1, template, globexJp1),
                new ShareCase("same contract, same region", acmeJp1, template,
                        newTenant("acme-jp1-dev", "acme", "JP1")),
                new ShareCase("other region", acmeJp1, template, globexJp2),
                new ShareCase("same contract, other region", acmeJp1, template, acmeJp2),
                new ShareCase("owner itself", acmeJp1, template, acmeJp1),
                new ShareCase("caller does not own the image", globexJp1, template,
                        newTenant("globex-jp1-dev", "globex", "JP1")),
                new ShareCase("image not active", acmeJp1, queued, globexJp1));

        for (ShareCase shareCase : cases) {
            Decision decision = engine.addMember(Caller.of(shareCase.caller().id()), shareCase.image(), acmeJp1,
                    shareCase.member(), noMembership);
            boolean casbinAllows = casbin.allows(new TenantAttributes(shareCase.caller()),
                    new ImageAttributes(shareCase.image()), new TenantAttributes(shareCase.member()));
            if (decision.isAllowed() != casbinAllows) {
                throw new IllegalStateException("jCasbin and the policy engine disagree on share case '"
                        + shareCase.name() + "': jCasbin allowed = " + casbinAllows + ", engine:\n" + decision);
            }
        }
        if (!casbin.allows(acmeJp1Attributes, templateAttributes, globexJp1Attributes)) {
            throw new IllegalStateException("jCasbin denies the share that the allowed benchmark measures");
        }
        if (casbin.allows(acmeJp1Attributes, templateAttributes, globexJp2Attributes)) {
            throw new IllegalStateException("jCasbin allows the share that the denied benchmark measures");
        }
    }

    /**
     * Creates a tenant whose strings are new objects. The service reads the caller, the tenants and the image from
     * separate sources, so equal ids are distinct strings there and an equality check compares their characters.
     * String literals would be one shared object and let {@code equals} return early.
     */
    private static Tenant newTenant(String id, String contract, String region) {
        return new Tenant(TenantId.of(new String(id.toCharArray())), ContractId.of(new String(contract.toCharArray())),
                RegionId.of(new String(region.toCharArray())));
    }

    private record ShareCase(String name, Tenant caller, Image image, Tenant member) {}

    private static Image activeTemplate(Tenant owner) {
        RegisterRequest request = RegisterRequest.template("ubuntu-24.04", DiskFormat.QCOW2)
                .minDiskGb(10)
                .minMemoryMb(1024)
                .build();
        return Image.registered(ImageId.of("bench-template"), owner, request, AT)
                .withVirtualSize(10 * Limits.GB, AT)
                .withData(2 * Limits.GB, "0".repeat(64), AT);
    }
}
