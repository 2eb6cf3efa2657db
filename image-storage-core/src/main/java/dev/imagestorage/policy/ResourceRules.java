package dev.imagestorage.policy;

import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import java.util.List;

/**
 * What can be created from what, and how ISO images attach to servers.
 *
 * <p>A template creates a virtual server or a volume, never a baremetal server. An ISO image installs an operating
 * system or middleware on a baremetal server, and only an operating system on a virtual server or a volume. No
 * virtual server of Windows Server or Red Hat Enterprise Linux comes from an ISO image. A baremetal server and an ISO
 * image are attached one to one. A virtual server takes an ISO image only at launch and gives it back only at
 * deletion.
 */
final class ResourceRules {
    private ResourceRules() {}

    static void checkLaunch(Image image, LaunchRequest request, Evaluation evaluation) {
        ResourceType resource = request.resource();

        evaluation.check(Rule.RESOURCE_SUPPORT);
        if (image.plan() == Plan.TEMPLATE && resource == ResourceType.BAREMETAL_SERVER) {
            evaluation.deny(ReasonCode.LAUNCH_NOT_SUPPORTED, "a template can not create a baremetal server; it"
                    + " creates virtual servers and volumes");
        }
        checkPurpose(image, request, evaluation);
        checkIsoOs(image, resource, evaluation);
        checkSizes(image, request, evaluation);
    }

    private static void checkPurpose(Image image, LaunchRequest request, Evaluation evaluation) {
        evaluation.check(Rule.ISO_PURPOSE);
        if (image.plan() == Plan.TEMPLATE) {
            if (request.isoPurpose().isPresent()) {
                evaluation.deny(ReasonCode.LAUNCH_ISO_PURPOSE, "image " + image.id() + " is a template, so the"
                        + " request must not name an ISO purpose (" + request.isoPurpose().get() + ")");
            }
            return;
        }
        if (request.isoPurpose().isEmpty()) {
            evaluation.deny(ReasonCode.LAUNCH_ISO_PURPOSE, "image " + image.id() + " is an ISO image, so the request"
                    + " must name its purpose: OS_INSTALLER or MIDDLEWARE_INSTALLER");
            return;
        }
        if (request.resource() != ResourceType.BAREMETAL_SERVER
                && request.isoPurpose().get() == IsoPurpose.MIDDLEWARE_INSTALLER) {
            evaluation.deny(ReasonCode.LAUNCH_ISO_PURPOSE, "an ISO image installs middleware only on a baremetal"
                    + " server; on a " + PolicyEngine.label(request.resource()) + " it is an OS installer only");
        }
    }

    private static void checkIsoOs(Image image, ResourceType resource, Evaluation evaluation) {
        evaluation.check(Rule.ISO_OS);
        boolean virtual = resource == ResourceType.VIRTUAL_SERVER || resource == ResourceType.BOOTABLE_VOLUME;
        if (image.plan() != Plan.ISO || !virtual || image.os().isEmpty()) {
            return;
        }
        OsFamily family = image.os().get().family();
        if (family == OsFamily.WINDOWS_SERVER || family == OsFamily.RED_HAT_ENTERPRISE_LINUX) {
            evaluation.deny(ReasonCode.LAUNCH_ISO_OS, "a virtual server of " + image.os().get().product()
                    + " can not be created from an ISO image, by the terms of its license; use a template");
        }
    }

    private static void checkSizes(Image image, LaunchRequest request, Evaluation evaluation) {
        evaluation.check(Rule.RESOURCE_DISK);
        // A template's disk is written onto the resource's disk, so the disk must fit its virtual size. An ISO image
        // is installer media that is read, not copied, so only its minimum disk applies.
        long virtualGb = image.plan() == Plan.TEMPLATE && image.virtualSizeBytes().isPresent()
                ? (image.virtualSizeBytes().getAsLong() + Limits.GB - 1) / Limits.GB
                : 0;
        long requiredGb = Math.max(image.minDiskGb(), virtualGb);
        if (request.diskGb() < requiredGb) {
            evaluation.deny(ReasonCode.LAUNCH_DISK_TOO_SMALL, "a disk of " + request.diskGb() + " GB is smaller than"
                    + " the " + requiredGb + " GB image " + image.id() + " needs (minimum disk " + image.minDiskGb()
                    + " GB, virtual size " + virtualGb + " GB)");
        }
        evaluation.check(Rule.RESOURCE_MEMORY);
        if (request.resource().isServer() && request.memoryMb() < image.minMemoryMb()) {
            evaluation.deny(ReasonCode.LAUNCH_MEMORY_TOO_SMALL, "memory of " + request.memoryMb() + " MB is less"
                    + " than the minimum memory of " + image.minMemoryMb() + " MB of image " + image.id());
        }
    }

    static void checkAttach(
            Image image, ServerRef server, ServerPhase phase, List<IsoAttachment> imageAttachments,
            List<IsoAttachment> serverAttachments, Evaluation evaluation) {
        evaluation.check(Rule.ISO_ONLY);
        if (image.plan() != Plan.ISO) {
            evaluation.deny(ReasonCode.ISO_NOT_AN_ISO, "image " + image.id() + " is a template; only ISO images are"
                    + " attached to servers");
        }
        checkIsoOs(image, server.type(), evaluation);

        evaluation.check(Rule.BAREMETAL_ONE_TO_ONE);
        if (server.type() == ResourceType.BAREMETAL_SERVER) {
            for (IsoAttachment attachment : imageAttachments) {
                if (attachment.server().type() == ResourceType.BAREMETAL_SERVER) {
                    evaluation.deny(ReasonCode.ISO_IN_USE_BY_BAREMETAL, "image " + image.id() + " is attached to "
                            + attachment.server() + "; an ISO image is attached to one baremetal server at a time");
                    break;
                }
            }
            if (!serverAttachments.isEmpty()) {
                evaluation.deny(ReasonCode.ISO_BAREMETAL_HAS_ISO, server + " already has image "
                        + serverAttachments.get(0).image() + " attached; a baremetal server takes one ISO image"
                        + " at a time, so detach it first");
            }
        }

        evaluation.check(Rule.ATTACH_PHASE);
        if (server.type() == ResourceType.VIRTUAL_SERVER && phase != ServerPhase.LAUNCH) {
            evaluation.deny(ReasonCode.ISO_ATTACH_NOT_AT_LAUNCH, "an ISO image is attached to a virtual server only"
                    + " when the server is launched, and " + server + " is in phase " + phase);
        }
    }
}
