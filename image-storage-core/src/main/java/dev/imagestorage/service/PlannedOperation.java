package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;

/** An operation to try without doing it, with {@link ImageService#dryRun}. */
public sealed interface PlannedOperation {
    record Register(RegisterRequest request) implements PlannedOperation {
        public Register {
            requireNonNull(request, "request");
        }
    }

    record Upload(ImageId image, UploadOptions options) implements PlannedOperation {
        public Upload {
            requireNonNull(image, "image");
            requireNonNull(options, "options");
        }
    }

    record Download(ImageId image) implements PlannedOperation {
        public Download {
            requireNonNull(image, "image");
        }
    }

    record Delete(ImageId image) implements PlannedOperation {
        public Delete {
            requireNonNull(image, "image");
        }
    }

    record AddMember(ImageId image, TenantId member) implements PlannedOperation {
        public AddMember {
            requireNonNull(image, "image");
            requireNonNull(member, "member");
        }
    }

    record RemoveMember(ImageId image, TenantId member) implements PlannedOperation {
        public RemoveMember {
            requireNonNull(image, "image");
            requireNonNull(member, "member");
        }
    }

    record Accept(ImageId image, TenantId member) implements PlannedOperation {
        public Accept {
            requireNonNull(image, "image");
            requireNonNull(member, "member");
        }
    }

    record Reject(ImageId image, TenantId member) implements PlannedOperation {
        public Reject {
            requireNonNull(image, "image");
            requireNonNull(member, "member");
        }
    }

    record Copy(CopyRequest request) implements PlannedOperation {
        public Copy {
            requireNonNull(request, "request");
        }
    }

    record Launch(ImageId image, LaunchRequest request) implements PlannedOperation {
        public Launch {
            requireNonNull(image, "image");
            requireNonNull(request, "request");
        }
    }
}
