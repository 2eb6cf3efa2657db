package dev.imagestorage.policy;

import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;

/** Declared operating systems for policy tests, each 64-bit without a service pack unless its name says otherwise. */
final class OsFixtures {
    static final OperatingSystem WINDOWS_2012_R2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard");
    static final OperatingSystem WINDOWS_2008_ENTERPRISE_SP2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2008 Enterprise").withServicePack(2);
    static final OperatingSystem WINDOWS_2008_STANDARD_SP2 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2008 Standard").withServicePack(2);
    static final OperatingSystem WINDOWS_2008_R2_ENTERPRISE_SP1 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2008 R2 Enterprise").withServicePack(1);
    static final OperatingSystem WINDOWS_2008_R2_STANDARD_SP1 =
            OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2008 R2 Standard").withServicePack(1);
    static final OperatingSystem RHEL =
            OperatingSystem.of(OsFamily.RED_HAT_ENTERPRISE_LINUX, "Red Hat Enterprise Linux 9");
    static final OperatingSystem UBUNTU = OperatingSystem.of(OsFamily.OTHER, "Ubuntu 24.04");

    private OsFixtures() {}
}
