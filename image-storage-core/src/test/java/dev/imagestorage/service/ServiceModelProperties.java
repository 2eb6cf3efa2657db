package dev.imagestorage.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.NotFoundException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.spi.BlobKey;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random sequences of actions drive the service and a plain model of the rules side by side. After every action
 * the two must agree on the outcome, on what each tenant can list, on quota counts, on who pays for what, and on
 * memberships and copy jobs. The blob stores must contain exactly the data of the ACTIVE images.
 */
class ServiceModelProperties {
    /** Images per plan per tenant, small so that sequences of 25 actions reach the quota. */
    private static final int QUOTA = 3;
    /** A VHD disk, which the format inspector rejects for a template declared raw. */
    private static final byte[] NOT_RAW = ServiceFixture.fixture("tiny.vhd");

    enum Kind {
        REGISTER,
        UPLOAD,
        DELETE,
        UNPROTECT,
        ADD_MEMBER,
        ACCEPT,
        REJECT,
        REMOVE_MEMBER,
        COPY,
        RUN_COPIES,
        CANCEL_COPY,
        SUSPEND_TENANT,
        LIFT_TENANT,
        SUSPEND_CONTRACT,
        LIFT_CONTRACT
    }

    /**
     * One action. Each number picks a tenant, an image, a job or an option by its value modulo the number of
     * choices at the time the action runs.
     */
    record Action(Kind kind, int first, int second, int third) {
        @Override
        public String toString() {
            return kind + "(" + first + ", " + second + ", " + third + ")";
        }
    }

    /** Kinds weighted so that most sequences share, copy, accept and reject, and only some suspend. */
    private static Gen<Kind> kinds() {
        Map<Kind, Integer> weights = new LinkedHashMap<>();
        weights.put(Kind.REGISTER, 6);
        weights.put(Kind.UPLOAD, 6);
        weights.put(Kind.DELETE, 3);
        weights.put(Kind.UNPROTECT, 1);
        weights.put(Kind.ADD_MEMBER, 5);
        weights.put(Kind.ACCEPT, 4);
        weights.put(Kind.REJECT, 2);
        weights.put(Kind.REMOVE_MEMBER, 2);
        weights.put(Kind.COPY, 4);
        weights.put(Kind.RUN_COPIES, 3);
        weights.put(Kind.CANCEL_COPY, 1);
        weights.put(Kind.SUSPEND_TENANT, 1);
        weights.put(Kind.LIFT_TENANT, 1);
        weights.put(Kind.SUSPEND_CONTRACT, 1);
        weights.put(Kind.LIFT_CONTRACT, 1);
        List<Pair<Integer, Gen<Kind>>> choices = new ArrayList<>();
        weights.forEach((kind, weight) -> choices.add(Pair.of(weight, Generate.constant(kind))));
        return Generate.frequency(choices);
    }

    private static Gen<List<Action>> actions() {
        Gen<Integer> number = SourceDSL.integers().between(0, 99);
        Gen<Action> action = kinds().zip(number, number, number, Action::new);
        return SourceDSL.lists().of(action).ofSizeBetween(1, 25);
    }

    @Test
    void serviceMatchesModel() {
        qt().withExamples(50).withShrinkCycles(100)
                .forAll(actions())
                .checkAssert(actions -> new Run().play(actions));
    }

    /** The service under test and the model, with the outcome each action had. */
    private static final class Run {
        private final ManualClock clock = new ManualClock();
        private final ManualExecutor executor = new ManualExecutor();
        private final ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog()
                .withLimits(Limits.defaults().withMaxImagesPerPlanPerTenant(QUOTA)), executor, clock);
        private final ImageService service = fx.service;
        private final List<Tenant> tenants =
                List.of(fx.acmeJp1, fx.acme2Jp1, fx.acmeJp2, fx.globexJp1, fx.globexJp2);
        private final Model model = new Model(tenants);
        private final List<String> log = new ArrayList<>();

        void play(List<Action> actions) {
            for (Action action : actions) {
                clock.advance(Duration.ofMinutes(1));
                String outcome = apply(action);
                log.add(action + " -> " + outcome);
                compare();
            }
        }

        /** Applies {@code action} to the service and the model, and returns what happened. */
        private String apply(Action action) {
            switch (action.kind()) {
                case REGISTER -> {
                    return register(tenants.get(action.first() % tenants.size()),
                            action.second() % 2 == 0 ? Plan.TEMPLATE : Plan.ISO, action.third() % 4 == 0);
                }
                case SUSPEND_TENANT, LIFT_TENANT -> {
                    Tenant tenant = tenants.get(action.first() % tenants.size());
                    boolean suspend = action.kind() == Kind.SUSPEND_TENANT;
                    if (suspend) {
                        service.suspendTenant(tenant.id());
                    } else {
                        service.liftTenantSuspension(tenant.id());
                    }
                    model.suspendedTenants.put(tenant.id(), suspend);
                    return "done";
                }
                case SUSPEND_CONTRACT, LIFT_CONTRACT -> {
                    Tenant tenant = tenants.get(action.first() % tenants.size());
                    boolean suspend = action.kind() == Kind.SUSPEND_CONTRACT;
                    if (suspend) {
                        service.suspendContract(tenant.contract());
                    } else {
                        service.liftContractSuspension(tenant.contract());
                    }
                    model.suspendedContracts.put(tenant.contract().value(), suspend);
                    return "done";
                }
                case RUN_COPIES -> {
                    executor.runAll();
                    model.runCopies(clock.instant());
                    return "ran";
                }
                case CANCEL_COPY -> {
                    if (model.jobs.isEmpty()) {
                        return "no job";
                    }
                    return cancel(model.jobs.get(action.first() % model.jobs.size()));
                }
                default -> {
                    if (model.images.isEmpty()) {
                        return "no image";
                    }
                    List<String> members = new ArrayList<>(model.memberships.keySet());
                    boolean answer = action.kind() == Kind.ACCEPT || action.kind() == Kind.REJECT
                            || action.kind() == Kind.REMOVE_MEMBER;
                    if (answer && !members.isEmpty() && action.third() % 5 != 0) {
                        String[] parts = members.get(action.first() % members.size()).split("/");
                        return imageAction(action, model.image(ImageId.of(parts[0])),
                                model.tenant(TenantId.of(parts[1])));
                    }
                    ModelImage image = pickImage(action);
                    return imageAction(action, image, pickOther(action, image));
                }
            }
        }

        /**
         * Picks an image for {@code action}: mostly one the action can succeed on, sometimes any image, deleted
         * ones included, so that denials and unknown images come up too.
         */
        private ModelImage pickImage(Action action) {
            List<ModelImage> useful = model.images.stream().filter(image -> switch (action.kind()) {
                case UPLOAD -> image.status == ImageStatus.QUEUED && !image.copyDestination;
                case ADD_MEMBER, COPY -> image.status == ImageStatus.ACTIVE;
                default -> image.status != ImageStatus.DELETED;
            }).toList();
            List<ModelImage> from = useful.isEmpty() || action.third() % 5 == 0 ? model.images : useful;
            return from.get(action.first() % from.size());
        }

        /**
         * Picks the other tenant of an image action: for a share mostly one in the owner's region, for a copy
         * mostly one of the owner's contract, otherwise any tenant.
         */
        private Tenant pickOther(Action action, ModelImage image) {
            Tenant owner = model.tenant(image.owner);
            List<Tenant> useful = tenants.stream().filter(tenant -> switch (action.kind()) {
                case ADD_MEMBER -> tenant.region().equals(owner.region()) && !tenant.equals(owner);
                case COPY -> tenant.contract().equals(owner.contract());
                default -> true;
            }).toList();
            List<Tenant> from = useful.isEmpty() || action.third() % 5 == 1 ? tenants : useful;
            return from.get(action.second() % from.size());
        }

        private String imageAction(Action action, ModelImage image, Tenant other) {
            Caller owner = ownerCaller(image.owner);
            Caller asOther = Caller.of(other.id());
            return switch (action.kind()) {
                case UPLOAD -> upload(image, action.second() % 5 != 0);
                case DELETE -> attempt(model.deleteAllowed(image), () -> service.delete(owner, image.id),
                        () -> model.delete(image));
                case UNPROTECT -> attempt(image.status != ImageStatus.DELETED ? Optional.of(true) : Optional.empty(),
                        () -> service.unprotect(owner, image.id), () -> image.deletionProtected = false);
                case ADD_MEMBER -> attempt(model.addMemberAllowed(image, other),
                        () -> service.addMember(owner, image.id, other.id()),
                        () -> model.memberships.put(key(image, other), MembershipStatus.PENDING));
                case ACCEPT -> attempt(model.answerAllowed(image, other, true),
                        () -> service.accept(asOther, image.id, other.id()),
                        () -> model.memberships.put(key(image, other), MembershipStatus.ACCEPTED));
                case REJECT -> attempt(model.answerAllowed(image, other, false),
                        () -> service.reject(asOther, image.id, other.id()),
                        () -> model.memberships.put(key(image, other), MembershipStatus.REJECTED));
                case REMOVE_MEMBER -> attempt(model.removeMemberAllowed(image, other),
                        () -> service.removeMember(owner, image.id, other.id()),
                        () -> model.memberships.remove(key(image, other)));
                case COPY -> copy(image, other);
                default -> throw new AssertionError("not an image action: " + action);
            };
        }

        private String register(Tenant tenant, Plan plan, boolean protect) {
            RegisterRequest.Builder request = plan == Plan.TEMPLATE
                    ? RegisterRequest.template("template", DiskFormat.RAW)
                    : RegisterRequest.iso("iso");
            if (protect) {
                request.protect();
            }
            Optional<Boolean> allowed = Optional.of(model.active(tenant) && model.count(tenant.id(), plan) < QUOTA);
            Image[] registered = new Image[1];
            String outcome = attempt(allowed, () -> registered[0] = service.register(ownerCaller(tenant.id()),
                    request.build()), () -> { });
            if (registered[0] != null) {
                model.images.add(new ModelImage(registered[0].id(), tenant, plan, protect, false));
            }
            return outcome;
        }

        private String upload(ModelImage image, boolean validBytes) {
            Optional<Boolean> allowed = image.status == ImageStatus.DELETED
                    ? Optional.empty()
                    : Optional.of(model.active(tenant(image.owner)) && image.status == ImageStatus.QUEUED
                            && !image.copyDestination);
            byte[] valid = image.plan == Plan.TEMPLATE ? ServiceFixture.RAW : ServiceFixture.ISO;
            byte[] invalid = image.plan == Plan.TEMPLATE ? NOT_RAW : ServiceFixture.RAW;
            byte[] bytes = validBytes ? valid : invalid;
            try {
                service.upload(ownerCaller(image.owner), image.id, new ByteArrayInputStream(bytes));
                assertThat(allowed).as(history("upload was allowed")).contains(true);
                assertThat(validBytes).as(history("invalid bytes were accepted")).isTrue();
                image.status = ImageStatus.ACTIVE;
                image.savedAt = clock.instant();
                image.sizeBytes = bytes.length;
                return "active";
            } catch (UploadRejectedException e) {
                assertThat(allowed).as(history("upload was rejected: " + e.getMessage())).contains(true);
                assertThat(validBytes).as(history("valid bytes were rejected: " + e.getMessage())).isFalse();
                image.status = ImageStatus.KILLED;
                return "killed";
            } catch (OperationDeniedException e) {
                assertThat(allowed).as(history("upload was denied: " + e.getMessage())).contains(false);
                return "denied " + e.decision().codes();
            } catch (NotFoundException e) {
                assertThat(allowed).as(history("image was not found")).isEmpty();
                return "not found";
            }
        }

        private String copy(ModelImage image, Tenant destination) {
            Caller owner = ownerCaller(image.owner);
            CopyRequest request = CopyRequest.of(image.id, destination.id()).acknowledgingDataTransfer();
            CopyJob[] started = new CopyJob[1];
            String outcome = attempt(model.copyAllowed(image, destination),
                    () -> started[0] = service.copy(owner, request), () -> { });
            if (started[0] != null) {
                assertThat(started[0].status()).as(history("new copy job")).isEqualTo(CopyJobStatus.QUEUED);
                ModelImage copy = new ModelImage(started[0].destination(), destination, image.plan, false, true);
                model.images.add(copy);
                model.jobs.add(new ModelJob(started[0].id(), image, copy));
            }
            return outcome;
        }

        private String cancel(ModelJob job) {
            Optional<Boolean> allowed = Optional.of(!job.status.isFinal());
            return attempt(allowed, () -> service.cancelCopy(ownerCaller(job.source.owner), job.id), () -> {
                job.status = CopyJobStatus.CANCELLED;
                model.discard(job.destination);
            });
        }

        /**
         * Runs {@code action} against the service and checks its outcome against {@code expected}: empty when the
         * image should not be found, otherwise whether the action should be allowed. Applies {@code change} to the
         * model when the action succeeded.
         */
        private String attempt(Optional<Boolean> expected, Runnable action, Runnable change) {
            try {
                action.run();
            } catch (OperationDeniedException e) {
                assertThat(expected).as(history("denied: " + e.getMessage())).contains(false);
                return "denied " + e.decision().codes();
            } catch (NotFoundException e) {
                assertThat(expected).as(history("not found: " + e.getMessage())).isEmpty();
                return "not found";
            }
            assertThat(expected).as(history("allowed")).contains(true);
            change.run();
            return "allowed";
        }

        /** Compares everything the service shows with the model. */
        private void compare() {
            for (Tenant tenant : tenants) {
                Caller caller = Caller.of(tenant.id());
                assertThat(service.listImages(caller)).extracting(Image::id).as(history("images of " + tenant.id()))
                        .containsExactlyElementsOf(model.visibleTo(tenant));
                for (Plan plan : Plan.values()) {
                    assertThat(fx.repository().usage(tenant.id()).count(plan))
                            .as(history(plan + " count of " + tenant.id()))
                            .isEqualTo(model.count(tenant.id(), plan));
                }
                UsageReport.Line line = service.usageReport(tenant.id()).lines().get(0);
                assertThat(line.billedImages()).as(history("billed to " + tenant.id()))
                        .containsExactlyElementsOf(model.billedTo(tenant));
                assertThat(line.sharedImagesUsed()).as(history("shares used by " + tenant.id()))
                        .containsExactlyElementsOf(model.sharesUsedBy(tenant));
                assertThat(service.listMemberships(caller)).as(history("memberships of " + tenant.id()))
                        .extracting(m -> m.image() + " " + m.status())
                        .containsExactlyInAnyOrderElementsOf(model.membershipsOf(tenant));
            }
            for (ModelImage image : model.images) {
                Image stored = fx.repository().findImage(image.id).orElseThrow();
                assertThat(stored.status()).as(history("status of " + image.id)).isEqualTo(image.status);
                for (RegionId region : service.catalog().regions()) {
                    boolean expected = image.status == ImageStatus.ACTIVE && region.equals(image.region);
                    assertThat(fx.storage.blobs(region).stat(BlobKey.of(image.id)).isPresent())
                            .as(history("blob of " + image.id + " in " + region)).isEqualTo(expected);
                }
            }
            for (ModelJob job : model.jobs) {
                assertThat(service.job(ownerCaller(job.source.owner), job.id).status())
                        .as(history("status of job " + job.id)).isEqualTo(job.status);
            }
            for (RegionId region : service.catalog().regions()) {
                assertThat(fx.storage.blobs(region).unfinishedUploadCount()).as(history("uploads in " + region))
                        .isZero();
            }
            fx.assertNoOpenStreams();
        }

        private Caller ownerCaller(TenantId owner) {
            return new Caller(owner, Set.of(tenants.stream().map(Tenant::id).toArray(TenantId[]::new)));
        }

        private Tenant tenant(TenantId id) {
            return tenants.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        }

        private String history(String what) {
            return what + " after:\n  " + String.join("\n  ", log);
        }
    }

    private static String key(ModelImage image, Tenant member) {
        return image.id + "/" + member.id();
    }

    /** An image as the model records it. */
    private static final class ModelImage {
        final ImageId id;
        final TenantId owner;
        final RegionId region;
        final Plan plan;
        final boolean copyDestination;
        boolean deletionProtected;
        ImageStatus status = ImageStatus.QUEUED;
        Instant savedAt;
        long sizeBytes;

        ModelImage(ImageId id, Tenant owner, Plan plan, boolean deletionProtected, boolean copyDestination) {
            this.id = id;
            this.owner = owner.id();
            this.region = owner.region();
            this.plan = plan;
            this.deletionProtected = deletionProtected;
            this.copyDestination = copyDestination;
        }
    }

    private static final class ModelJob {
        final JobId id;
        final ModelImage source;
        final ModelImage destination;
        CopyJobStatus status = CopyJobStatus.QUEUED;

        ModelJob(JobId id, ModelImage source, ModelImage destination) {
            this.id = id;
            this.source = source;
            this.destination = destination;
        }
    }

    /** The rules, written plainly for the few operations and tenants of this test. */
    private static final class Model {
        final List<Tenant> tenants;
        final List<ModelImage> images = new ArrayList<>();
        final List<ModelJob> jobs = new ArrayList<>();
        /** Keyed by image id and member id, so that ending an image's memberships is a prefix match. */
        final Map<String, MembershipStatus> memberships = new TreeMap<>();
        final Map<TenantId, Boolean> suspendedTenants = new LinkedHashMap<>();
        final Map<String, Boolean> suspendedContracts = new LinkedHashMap<>();

        Model(List<Tenant> tenants) {
            this.tenants = tenants;
        }

        boolean active(Tenant tenant) {
            return !suspendedTenants.getOrDefault(tenant.id(), false)
                    && !suspendedContracts.getOrDefault(tenant.contract().value(), false);
        }

        Tenant tenant(TenantId id) {
            return tenants.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        }

        ModelImage image(ImageId id) {
            return images.stream().filter(i -> i.id.equals(id)).findFirst().orElseThrow();
        }

        int count(TenantId owner, Plan plan) {
            return (int) images.stream()
                    .filter(i -> i.owner.equals(owner) && i.plan == plan && i.status != ImageStatus.DELETED)
                    .count();
        }

        Optional<MembershipStatus> membership(ModelImage image, Tenant member) {
            return Optional.ofNullable(memberships.get(key(image, member)));
        }

        Optional<Boolean> deleteAllowed(ModelImage image) {
            if (image.status == ImageStatus.DELETED) {
                return Optional.empty();
            }
            return Optional.of(!image.deletionProtected);
        }

        Optional<Boolean> addMemberAllowed(ModelImage image, Tenant member) {
            if (image.status == ImageStatus.DELETED) {
                return Optional.empty();
            }
            Tenant owner = tenant(image.owner);
            return Optional.of(active(owner) && image.status == ImageStatus.ACTIVE && !member.equals(owner)
                    && member.region().equals(owner.region()) && membership(image, member).isEmpty());
        }

        Optional<Boolean> answerAllowed(ModelImage image, Tenant member, boolean accept) {
            if (image.status == ImageStatus.DELETED) {
                return Optional.empty();
            }
            return Optional.of((!accept || active(member)) && !member.id().equals(image.owner)
                    && membership(image, member).isPresent());
        }

        Optional<Boolean> removeMemberAllowed(ModelImage image, Tenant member) {
            if (image.status == ImageStatus.DELETED) {
                return Optional.empty();
            }
            return Optional.of(!member.id().equals(image.owner) && membership(image, member).isPresent());
        }

        Optional<Boolean> copyAllowed(ModelImage image, Tenant destination) {
            if (image.status == ImageStatus.DELETED) {
                return Optional.empty();
            }
            Tenant owner = tenant(image.owner);
            return Optional.of(active(owner) && image.status == ImageStatus.ACTIVE && active(destination)
                    && destination.contract().equals(owner.contract())
                    && count(destination.id(), image.plan) < QUOTA);
        }

        void delete(ModelImage image) {
            image.status = ImageStatus.DELETED;
            memberships.keySet().removeIf(k -> k.startsWith(image.id + "/"));
        }

        /** Removes a copy's destination the way a cancelled or failed job does. */
        void discard(ModelImage destination) {
            if (destination.status != ImageStatus.DELETED) {
                delete(destination);
            }
        }

        /** Runs the queued jobs in order, as the manual executor does. */
        void runCopies(Instant now) {
            for (ModelJob job : jobs) {
                if (job.status != CopyJobStatus.QUEUED) {
                    continue;
                }
                if (job.source.status == ImageStatus.ACTIVE && job.destination.status == ImageStatus.QUEUED) {
                    job.status = CopyJobStatus.SUCCEEDED;
                    job.destination.status = ImageStatus.ACTIVE;
                    job.destination.savedAt = now;
                    job.destination.sizeBytes = job.source.sizeBytes;
                } else {
                    job.status = CopyJobStatus.FAILED;
                    discard(job.destination);
                }
            }
        }

        /** Own images in any status but DELETED, then accepted ACTIVE shares of owners in good standing. */
        List<ImageId> visibleTo(Tenant tenant) {
            List<ImageId> visible = new ArrayList<>(images.stream()
                    .filter(i -> i.owner.equals(tenant.id()) && i.status != ImageStatus.DELETED)
                    .map(i -> i.id)
                    .sorted()
                    .toList());
            visible.addAll(images.stream()
                    .filter(i -> membership(i, tenant).orElse(null) == MembershipStatus.ACCEPTED)
                    .filter(i -> i.status == ImageStatus.ACTIVE && active(tenant(i.owner)))
                    .map(i -> i.id)
                    .sorted()
                    .toList());
            return visible;
        }

        List<UsageReport.BilledImage> billedTo(Tenant tenant) {
            return images.stream()
                    .filter(i -> i.owner.equals(tenant.id()) && i.status == ImageStatus.ACTIVE)
                    .sorted(Comparator.comparing(i -> i.id))
                    .map(i -> new UsageReport.BilledImage(i.id, i.plan, i.sizeBytes, i.savedAt))
                    .toList();
        }

        List<ImageId> sharesUsedBy(Tenant tenant) {
            return images.stream()
                    .filter(i -> membership(i, tenant).orElse(null) == MembershipStatus.ACCEPTED)
                    .filter(i -> i.status == ImageStatus.ACTIVE)
                    .map(i -> i.id)
                    .sorted()
                    .toList();
        }

        List<String> membershipsOf(Tenant tenant) {
            return images.stream()
                    .filter(i -> membership(i, tenant).isPresent())
                    .map(i -> i.id + " " + membership(i, tenant).get())
                    .toList();
        }
    }
}
