package io.npsconnector.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundRequestTest {
  private static final String URI = "https://hooks.example.com/webhooks/hubspot?connection=hubspot-eu";

  @Test
  void findsHeadersWhateverTheirCase() {
    InboundRequest request = new InboundRequest("POST", URI,
        Map.of("X-HubSpot-Request-Timestamp", "1795341600000"), new byte[0]);

    assertThat(request.header("x-hubspot-request-timestamp")).contains("1795341600000");
    assertThat(request.headers().get("X-HUBSPOT-REQUEST-TIMESTAMP")).isEqualTo("1795341600000");
    assertThat(request.header("X-HubSpot-Signature-v3")).isEmpty();
  }

  @Test
  void keepsItsOwnCopiesOfBodyAndHeaders() {
    byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
    InboundRequest request = new InboundRequest("POST", URI, headers, body);

    body[0] = '{';
    headers.put("Content-Type", "text/plain");
    request.body()[1] = '}';

    assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("[]");
    assertThat(request.header("content-type")).contains("application/json");
    assertThatThrownBy(() -> request.headers().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void comparesBodiesByContent() {
    InboundRequest one = new InboundRequest("POST", URI, Map.of(), "[]".getBytes(StandardCharsets.UTF_8));
    InboundRequest two = new InboundRequest("POST", URI, Map.of(), "[]".getBytes(StandardCharsets.UTF_8));

    assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
  }

  @Test
  void showsNeitherQueryNorHeaderValuesNorBody() {
    InboundRequest request = new InboundRequest("POST", "https://hooks.example.com/hubspot?token=s3cr3t",
        Map.of("X-HubSpot-Signature-v3", "c2lnbmF0dXJl"), "[{\"objectId\":1}]".getBytes(StandardCharsets.UTF_8));

    assertThat(request.toString())
        .isEqualTo("InboundRequest[POST https://hooks.example.com/hubspot?…, 1 headers, 16 bytes]")
        .doesNotContain("s3cr3t", "c2lnbmF0dXJl", "objectId");
  }
}
