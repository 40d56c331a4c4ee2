package io.npsconnector.salesforce;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import com.sforce.soap.partner.DescribeSObjectResult;
import com.sforce.soap.partner.Field;
import com.sforce.soap.partner.PicklistEntry;

import io.npsconnector.salesforce.client.SalesforceSession;

/**
 * What the dashboard shows about a Salesforce org: the labels of the picklist values segments are read from
 * (one {@code describeSObjects} call per sync, for Contact and the objects segment paths such as
 * {@code Account.Industry} reach), and where a contact's record opens in Lightning,
 * {@code INSTANCE/lightning/r/Contact/ID/view}, from the configured {@code base-url} or the instance the org's
 * token named.
 */
final class SalesforceLabels {
  private final SalesforceSession session;
  private final Map<String, String> segments;
  private final AtomicReference<Optional<URI>> instance;

  /** @param segments segment name to the Contact field path it is read from */
  SalesforceLabels(SalesforceSession session, Map<String, String> segments, Optional<URI> configuredInstance) {
    this.session = session;
    this.segments = Map.copyOf(segments);
    this.instance = new AtomicReference<>(configuredInstance);
  }

  /** Segment name to picklist value to label, for segments read from picklists; active values only. */
  Map<String, Map<String, String>> labels() {
    if (segments.isEmpty()) {
      instance.compareAndSet(Optional.empty(), Optional.of(session.token().instanceUrl()));
      return Map.of();
    }
    TreeSet<String> objects = new TreeSet<>();
    objects.add("Contact");
    segments.values().forEach(path -> objects.add(objectOf(path)));
    DescribeSObjectResult[] described = session.call("describeSObjects", "describe " + String.join(", ", objects)
        + " for the labels of segment values", partner -> partner.describeSObjects(objects.toArray(String[]::new)));
    instance.compareAndSet(Optional.empty(), Optional.of(session.token().instanceUrl()));
    Map<String, DescribeSObjectResult> byName = new LinkedHashMap<>();
    for (DescribeSObjectResult result : described) {
      byName.put(result.getName(), result);
    }
    Map<String, Map<String, String>> labels = new LinkedHashMap<>();
    segments.forEach((segment, path) -> {
      DescribeSObjectResult object = byName.get(objectOf(path));
      String fieldName = path.substring(path.lastIndexOf('.') + 1);
      if (object == null || object.getFields() == null) {
        return;
      }
      for (Field field : object.getFields()) {
        if (field.getName().equalsIgnoreCase(fieldName) && field.getPicklistValues() != null) {
          Map<String, String> values = new LinkedHashMap<>();
          for (PicklistEntry entry : field.getPicklistValues()) {
            if (entry.isActive() && entry.getValue() != null && entry.getLabel() != null) {
              values.put(entry.getValue(), entry.getLabel());
            }
          }
          if (!values.isEmpty()) {
            labels.put(segment, values);
          }
        }
      }
    });
    return labels;
  }

  /** The contact's record page in Lightning, once the org's instance is known. */
  Optional<URI> contactUrl(String crmId) {
    return recordUrl("contact", crmId);
  }

  /** A contact's or an account's record page in Lightning ({@code INSTANCE/lightning/r/OBJECT/ID/view}). */
  Optional<URI> recordUrl(String objectType, String crmId) {
    String object = switch (objectType) {
      case "contact" -> "Contact";
      case "account" -> "Account";
      default -> "";
    };
    if (object.isEmpty() || !crmId.matches("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}")) {
      return Optional.empty();
    }
    return instance.get().or(session::knownInstance).map(base -> URI.create(base.toString().replaceAll("/+$", "")
        + "/lightning/r/" + object
        + "/" + crmId + "/view"));
  }

  /** The object a segment path ends on: {@code Contact} for a field of its own, else its relationship's. */
  private static String objectOf(String path) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      return "Contact";
    }
    String relationship = path.substring(0, dot);
    // standard relationships are named after their object; custom ones (Partner__r) after a __c object
    return relationship.endsWith("__r") ? relationship.substring(0, relationship.length() - 3) + "__c" : relationship;
  }
}
