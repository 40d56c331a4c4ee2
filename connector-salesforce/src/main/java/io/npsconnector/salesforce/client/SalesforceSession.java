package io.npsconnector.salesforce.client;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sforce.soap.partner.ILimitInfo;
import com.sforce.soap.partner.LimitInfoHeader_element;
import com.sforce.soap.partner.PartnerConnection;
import com.sforce.soap.partner.fault.ApiFault;
import com.sforce.ws.ConnectionException;
import com.sforce.ws.SoapFaultException;
import com.sforce.ws.ConnectorConfig;

import io.npsconnector.core.spi.CrmException;
import io.npsconnector.salesforce.auth.AccessToken;
import io.npsconnector.salesforce.auth.TokenSource;

/**
 * Every Partner API call of one Salesforce connection goes through here.
 *
 * <p>One {@link PartnerConnection} per worker thread (WSC keeps header state on it), built with the
 * token's instance, the configured API version, explicit timeouts and the query page size. After each
 * answer the {@code LimitInfoHeader} feeds {@link ApiLimits}. On {@code INVALID_SESSION_ID} the token is
 * renewed and the call made once more. Faults become {@link CrmException}s that name the connection and
 * the operation; {@code INVALID_QUERY_LOCATOR} becomes {@link QueryLocatorExpired}. Calls are counted per
 * SOAP operation. No token and no envelope ever reaches a log line or a message.
 */
public final class SalesforceSession {
  private static final Logger LOG = LoggerFactory.getLogger(SalesforceSession.class);
  private static final String API_REQUESTS = "API REQUESTS";

  /** One Partner API call on a connection. */
  @FunctionalInterface
  public interface Call<T> {
    T apply(PartnerConnection connection) throws ConnectionException;
  }

  /** The settings of the connections this session builds. */
  public record Settings(String apiVersion, int queryPageSize, Duration connectTimeout, Duration readTimeout) {}

  private final String connection;
  private final TokenSource tokens;
  private final Settings settings;
  private final ApiLimits limits;
  private final ThreadLocal<Bound> bound = new ThreadLocal<>();
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  private record Bound(AccessToken token, PartnerConnection partner) {}

  private volatile java.net.URI knownInstance;

  public SalesforceSession(String connection, TokenSource tokens, Settings settings, ApiLimits limits) {
    this.connection = connection;
    this.tokens = tokens;
    this.settings = settings;
    this.limits = limits;
  }

  /**
   * Makes one call, renewing the session once if Salesforce says it expired.
   *
   * @param soapOperation the Partner API operation ({@code query}, {@code update}, ...), for the call count
   * @param operation what the call does, in words, for messages
   */
  public <T> T call(String soapOperation, String operation, Call<T> call) {
    Optional<Instant> blocked = limits.blockedUntil();
    if (blocked.isPresent()) {
      throw new CrmException.Retriable(connection, operation, "REQUEST_LIMIT_EXCEEDED earlier: no call is made "
          + "until " + blocked.get(), Optional.of(Duration.between(limits.now(), blocked.get())), null);
    }
    Bound current = bound(tokens.current());
    try {
      return once(soapOperation, current, call);
    } catch (ApiFault fault) {
      if (!"INVALID_SESSION_ID".equals(code(fault))) {
        throw translate(operation, fault);
      }
      AccessToken fresh = tokens.renew(current.token());
      if (fresh.equals(current.token())) {
        throw new CrmException.Authentication(connection, operation, "INVALID_SESSION_ID: the access token was "
            + "refused and cannot be renewed (a static token); give a new one", null);
      }
      LOG.info("{}: the Salesforce session expired; signed in again", connection);
      try {
        return once(soapOperation, bound(fresh), call);
      } catch (ApiFault again) {
        if ("INVALID_SESSION_ID".equals(code(again))) {
          throw new CrmException.Authentication(connection, operation, "INVALID_SESSION_ID even with a new "
              + "access token; check that the integration user may use the API", null);
        }
        throw translate(operation, again);
      } catch (ConnectionException e) {
        throw translate(operation, e);
      }
    } catch (ConnectionException e) {
      throw translate(operation, e);
    }
  }

  private <T> T once(String soapOperation, Bound bound, Call<T> call) throws ConnectionException {
    calls.computeIfAbsent(soapOperation, key -> new LongAdder()).increment();
    bound.partner().clearLimitInfoHeader();
    T result = call.apply(bound.partner());
    readLimits(bound.partner());
    return result;
  }

  private void readLimits(PartnerConnection partner) {
    LimitInfoHeader_element header = partner.getLimitInfoHeader();
    if (header == null || header.getLimitInfo() == null) {
      return;
    }
    for (ILimitInfo info : header.getLimitInfo()) {
      if (info != null && API_REQUESTS.equalsIgnoreCase(info.getType())) {
        limits.observe(info.getCurrent(), info.getLimit());
      }
    }
  }

  /** The org's instance as the last token bound for a call named it, without a call; empty before the first. */
  public java.util.Optional<java.net.URI> knownInstance() {
    return java.util.Optional.ofNullable(knownInstance);
  }

  /** This thread's connection for {@code token}, built anew when the token changed. */
  private Bound bound(AccessToken token) {
    knownInstance = token.instanceUrl();
    Bound existing = bound.get();
    if (existing != null && existing.token().equals(token)) {
      return existing;
    }
    ConnectorConfig config = new ConnectorConfig();
    config.setManualLogin(true);
    config.setSessionId(token.value());
    String endpoint = serviceEndpoint(token);
    config.setServiceEndpoint(endpoint);
    config.setAuthEndpoint(endpoint);
    config.setConnectionTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
    config.setReadTimeout(Math.toIntExact(settings.readTimeout().toMillis()));
    config.setCompression(true);
    config.setTraceMessage(false);
    try {
      PartnerConnection partner = new PartnerConnection(config);
      partner.setSessionHeader(token.value());
      partner.setQueryOptions(settings.queryPageSize());
      Bound fresh = new Bound(token, partner);
      bound.set(fresh);
      return fresh;
    } catch (ConnectionException e) {
      throw new CrmException.Retriable(connection, "connect to " + token.instanceUrl(), e.getClass().getSimpleName(),
          Optional.empty(), null);
    }
  }

  /** {@code {instance}/services/Soap/u/{version}}, the Partner API endpoint. */
  String serviceEndpoint(AccessToken token) {
    String instance = token.instanceUrl().toString();
    while (instance.endsWith("/")) {
      instance = instance.substring(0, instance.length() - 1);
    }
    return instance + "/services/Soap/u/" + settings.apiVersion();
  }

  private CrmException translate(String operation, ApiFault fault) {
    String code = code(fault);
    String message = oneLine(fault.getExceptionMessage());
    return switch (code) {
      case "INVALID_QUERY_LOCATOR" -> throw new QueryLocatorExpired(connection + ": " + operation + ": " + code
          + ": " + message, fault);
      case "REQUEST_LIMIT_EXCEEDED" -> {
        Instant until = limits.exceeded();
        yield new CrmException.Retriable(connection, operation, code + ": " + message + "; the daily API request "
            + "limit is used up, no call until " + until, Optional.of(Duration.between(limits.now(), until)), null);
      }
      case "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "QUERY_TIMEOUT", "REQUEST_RUNNING_TOO_LONG",
          "CONCURRENT_REQUEST_LIMIT_EXCEEDED", "ORG_LOCKED", "TXN_SECURITY_METERING_ERROR" ->
          new CrmException.Retriable(connection, operation, code + ": " + message, Optional.empty(), null);
      case "INVALID_LOGIN", "INVALID_SESSION_ID", "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED",
          "INSUFFICIENT_ACCESS", "INVALID_OPERATION_WITH_EXPIRED_PASSWORD", "LOGIN_MUST_USE_SECURITY_TOKEN",
          "ORG_SUSPENDED", "USER_NOT_ACTIVE" ->
          new CrmException.Authentication(connection, operation, code + ": " + message, null);
      default -> new CrmException.Data(connection, operation, code, message, null);
    };
  }

  private CrmException translate(String operation, ConnectionException e) {
    if (e instanceof SoapFaultException fault && fault.getFaultCode() != null
        && "Client".equals(fault.getFaultCode().getLocalPart())) {
      // the request itself was refused (malformed XML, an element out of the WSDL's order): sending it again
      // changes nothing
      return new CrmException.Data(connection, operation, "soapenv:Client", oneLine(fault.getMessage()), null);
    }
    String kind = e.getClass().getSimpleName();
    Throwable cause = e.getCause();
    String detail;
    if (cause instanceof SocketTimeoutException) {
      detail = "no answer within the timeout (" + cause.getMessage() + ")";
    } else if (cause != null) {
      detail = kind + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
          : " " + oneLine(cause.getMessage()));
    } else {
      // e.g. HTMLResponseException (a maintenance page) or an answer WSC could not parse
      detail = kind + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()));
    }
    return new CrmException.Retriable(connection, operation, detail, Optional.empty(), null);
  }

  private static String code(ApiFault fault) {
    return fault.getExceptionCode() == null ? "UNKNOWN" : fault.getExceptionCode().name();
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() > 500 ? flat.substring(0, 500) + "..." : flat;
  }

  /** Calls made so far per SOAP operation, in name order; faulted calls included. */
  public Map<String, Long> calls() {
    Map<String, Long> copy = new TreeMap<>();
    calls.forEach((name, count) -> copy.put(name, count.sum()));
    return copy;
  }

  /** All calls made so far. */
  public long totalCalls() {
    return calls.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public ApiLimits limits() {
    return limits;
  }

  public String connection() {
    return connection;
  }

  /** The token in use (signing in first if needed), for the check. */
  public AccessToken token() {
    return tokens.current();
  }
}
