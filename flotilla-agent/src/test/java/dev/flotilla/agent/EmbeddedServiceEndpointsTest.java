package dev.flotilla.agent;

/** {@link ServiceEndpointsContract} on an embedded store of each test's own. */
class EmbeddedServiceEndpointsTest extends ServiceEndpointsContract {
    @Override
    TestCluster newCluster(String name) {
        return TestCluster.embedded(name);
    }
}
