package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.neovisionaries.ws.client.WebSocketFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class GatewaySocketsTest {

    private final GatewaySockets sockets = new GatewaySockets("discord/acme epoch 3");
    private final WebSocketFactory factory = sockets.webSocketFactory();

    @Test
    void closeEndsEverySocketMadeSoFarEvenOneStillConnecting() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket connected = factory.getSocketFactory().createSocket();
            connected.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 2000);
            Socket unconnected = factory.getSocketFactory().createSocket();
            Socket closedAlready = factory.getSocketFactory().createSocket();
            closedAlready.close();

            assertThat(sockets.close()).isEqualTo(2);

            assertThat(connected.isClosed()).isTrue();
            assertThat(unconnected.isClosed()).isTrue();
            assertThat(sockets.close()).isZero();
        }
    }

    @Test
    void afterCloseNoSocketCanBeMadePlainOrTls() {
        sockets.close();

        assertThatThrownBy(() -> factory.getSocketFactory().createSocket())
                .isInstanceOf(SocketException.class).hasMessage("discord/acme epoch 3 is closed: no new gateway socket");
        assertThatThrownBy(() -> factory.getSSLSocketFactory().createSocket()).isInstanceOf(SocketException.class);
    }

    @Test
    void tlsSocketsAreTheJdksOwnAndAreClosedToo() throws Exception {
        Socket tls = factory.getSSLSocketFactory().createSocket();

        assertThat(tls).isInstanceOf(SSLSocket.class);
        assertThat(sockets.close()).isEqualTo(1);
        assertThat(tls.isClosed()).isTrue();
    }

    @Test
    void jdaCopiesTheFactoriesWithTheRestOfTheSettings() {
        WebSocketFactory copy = new WebSocketFactory(factory);

        assertThat(copy.getSocketFactory()).isSameAs(factory.getSocketFactory());
        assertThat(copy.getSSLSocketFactory()).isSameAs(factory.getSSLSocketFactory());
    }
}
