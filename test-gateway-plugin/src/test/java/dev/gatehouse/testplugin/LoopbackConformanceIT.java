package dev.gatehouse.testplugin;

import dev.gatehouse.tck.GatewayConformanceTest;
import dev.gatehouse.tck.PluginSource;
import dev.gatehouse.tck.TransportControl;
import java.nio.file.Path;

/** The conformance kit against the packaged test plugin jar. */
class LoopbackConformanceIT extends GatewayConformanceTest {

    @Override
    protected PluginSource plugin() {
        return PluginSource.jar(Path.of(System.getProperty("gatehouse.pluginJar")));
    }

    @Override
    protected TransportControl openTransport() throws Exception {
        return new LoopbackTestServer();
    }
}
