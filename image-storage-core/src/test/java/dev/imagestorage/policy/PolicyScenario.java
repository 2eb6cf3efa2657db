package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static dev.imagestorage.policy.PolicyGenerators.coin;
import static dev.imagestorage.policy.PolicyGenerators.pick;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.model.UploadChannel;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.quicktheories.core.Gen;

/**
 * One random situation with a request for every operation of the engine. The image belongs to {@code owner}, the
 * caller acts for {@code actor}, and {@code other} is the member, copy destination or distribution target.
 *
 * @param actorMembership the actor's membership in the image, for the operations that use it
 * @param otherMembership the other tenant's membership in the image, for sharing and planning
 * @param usage the image counts of the tenant an image is registered in or copied to
 */
record PolicyScenario(
        Catalog catalog,
        List<Tenant> world,
        Tenant owner,
        Tenant actor,
        Tenant other,
        Caller caller,
        Image image,
        Optional<Membership> actorMembership,
        Optional<Membership> otherMembership,
        RegisterRequest registerRequest,
        ResourceType captureSource,
        LaunchRequest launchRequest,
        ServerRef server,
        ServerPhase phase,
        List<IsoAttachment> imageAttachments,
        List<IsoAttachment> serverAttachments,
        UploadChannel uploadChannel,
        OptionalLong uploadSize,
        boolean transferAcknowledged,
        TenantUsage usage,
        MembershipStatus answer,
        CopyJob job) {

    /** Scenarios over worlds from {@link PolicyGenerators#worlds()} and catalogs from {@code catalogs}. */
    static Gen<PolicyScenario> scenarios(Gen<Catalog> catalogs) {
        Gen<List<Tenant>> worlds = PolicyGenerators.worlds();
        return in -> {
            Catalog catalog = catalogs.generate(in);
            List<Tenant> world = worlds.generate(in);
            Tenant owner = pick(in, world);
            Tenant actor = coin(in) ? owner : pick(in, world);
            Tenant other = pick(in, world);
            Image image = PolicyGenerators.images(owner).generate(in);
            ServerRef server = PolicyGenerators.servers().generate(in);

            return new PolicyScenario(catalog, world, owner, actor, other,
                    PolicyGenerators.callers(actor, world).generate(in),
                    image,
                    PolicyGenerators.memberships(image, actor).generate(in),
                    PolicyGenerators.memberships(image, other).generate(in),
                    PolicyGenerators.registerRequests().generate(in),
                    pick(in, ResourceType.values()),
                    PolicyGenerators.launchRequests().generate(in),
                    server,
                    pick(in, ServerPhase.values()),
                    PolicyGenerators.attachmentsOf(image.id(), pick(in, owner, actor).id()).generate(in),
                    PolicyGenerators.attachmentsOf(ImageId.random(), actor.id()).generate(in).stream()
                            .filter(attachment -> attachment.server().equals(server)).toList(),
                    pick(in, UploadChannel.values()),
                    pick(in, OptionalLong.empty(), OptionalLong.of(10 * Limits.GB),
                            OptionalLong.of(10 * Limits.GB + 1)),
                    coin(in),
                    PolicyGenerators.usages(other.id()).generate(in),
                    pick(in, MembershipStatus.ACCEPTED, MembershipStatus.REJECTED),
                    PolicyGenerators.copyJobs(world).generate(in));
        };
    }

    /** Creates an engine on this scenario's catalog whose clock reads {@link PolicyFixtures#NOW}. */
    PolicyEngine engine() {
        return engine(catalog);
    }

    static PolicyEngine engine(Catalog catalog) {
        return new PolicyEngine(catalog, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    CopyRequest copyRequest() {
        CopyRequest request = CopyRequest.of(image.id(), other.id());
        return transferAcknowledged ? request.acknowledgingDataTransfer() : request;
    }

    /** Decides every operation of the engine, and the distribution plan, for this scenario, by operation name. */
    Map<String, Decision> decideAll(PolicyEngine engine) {
        Map<String, Decision> decisions = new LinkedHashMap<>();
        Optional<IsoAttachment> attached = imageAttachments.stream()
                .filter(attachment -> attachment.server().equals(server))
                .findFirst();
        DistributionPlan plan = new DistributionPlanner(engine).plan(caller, image, owner, other, world,
                tenant -> new TenantUsage(tenant.id(), usage.templates(), usage.isoImages()), otherMembership, NOW);

        decisions.put("register", engine.register(caller, owner, registerRequest, usage));
        decisions.put("capture", engine.capture(caller, owner, captureSource, registerRequest, usage));
        decisions.put("upload", engine.upload(caller, actor, image, uploadChannel, uploadSize));
        decisions.put("download", engine.download(caller, actor, image, owner, actorMembership));
        decisions.put("delete", engine.delete(caller, image));
        decisions.put("add-member", engine.addMember(caller, image, owner, other, otherMembership));
        decisions.put("remove-member", engine.removeMember(caller, image, other.id(), otherMembership));
        decisions.put("answer", engine.answer(caller, actor, image, actor.id(), answer, actorMembership));
        decisions.put("copy", engine.copy(caller, image, owner, other, copyRequest(), usage));
        decisions.put("cancel-copy", engine.cancelCopy(caller, job));
        decisions.put("launch", engine.launch(caller, actor, image, owner, actorMembership, launchRequest));
        decisions.put("attach-iso", engine.attachIso(caller, actor, image, owner, actorMembership, server, phase,
                imageAttachments, serverAttachments));
        decisions.put("detach-iso", engine.detachIso(caller, image, server, phase, attached));
        decisions.put("distribute", plan.decision());
        return decisions;
    }
}
