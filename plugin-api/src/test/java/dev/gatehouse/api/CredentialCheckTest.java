package dev.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialCheckTest {

    /** A gateway written before checkCredentials existed. */
    private final Gateway older = new Gateway() {
        @Override
        public String platform() {
            return "older";
        }

        @Override
        public URI probeUri(GatewaySettings settings) {
            return URI.create("http://127.0.0.1:9/");
        }

        @Override
        public GatewayConnection open(GatewayContext context) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aGatewayThatDoesNotImplementTheCheckAnswersNotSupportedWithoutFailing() throws Exception {
        CredentialCheck r = older.checkCredentials(new GatewaySettings("workspaces.a.older", Map.of()), Duration.ofSeconds(1));
        assertThat(r.checked()).isFalse();
        assertThat(r.accepted()).isFalse();
        assertThat(r.fix()).isNull();
        assertThat(r.detail()).isEqualTo("this plugin cannot check credentials without connecting");
    }

    @Test
    void aFailureCarriesItsProblemAndFix() {
        CredentialCheck r = CredentialCheck.failed("workspaces.a.x.token was refused", "put a new token in workspaces.a.x.token");
        assertThat(r.checked()).isTrue();
        assertThat(r.accepted()).isFalse();
        assertThat(r).hasToString("CredentialCheck[failed: workspaces.a.x.token was refused; fix: put a new token in"
                + " workspaces.a.x.token]");
        assertThat(CredentialCheck.ok("bot user U1").accepted()).isTrue();
    }

    @Test
    void aMissingProblemOrFixIsNamedInTheException() {
        assertThatNullPointerException().isThrownBy(() -> CredentialCheck.failed(null, "a fix")).withMessage("problem");
        assertThatNullPointerException().isThrownBy(() -> CredentialCheck.failed("a problem", null)).withMessage("fix");
        assertThatNullPointerException().isThrownBy(() -> CredentialCheck.ok(null)).withMessage("detail");
    }
}
