package dev.imagestorage.memory;

import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.testkit.MetadataStoreContract;

class InMemoryMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }
}
