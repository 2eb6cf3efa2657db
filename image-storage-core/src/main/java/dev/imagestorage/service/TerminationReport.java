package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.TenantId;
import java.util.List;

/**
 * What terminating a contract removed.
 *
 * @param deletedImages the images deleted, protected ones included, as they were before deletion
 * @param endedMemberships how many memberships ended: those in the deleted images and those the contract's tenants
 *     held in other tenants' images
 * @param cancelledJobs copy jobs from or to the contract's tenants that were still running
 */
public record TerminationReport(
        ContractId contract, List<TenantId> tenants, List<Image> deletedImages, int endedMemberships,
        List<JobId> cancelledJobs) {
    public TerminationReport {
        requireNonNull(contract, "contract");
        tenants = List.copyOf(tenants);
        deletedImages = List.copyOf(deletedImages);
        cancelledJobs = List.copyOf(cancelledJobs);
    }
}
