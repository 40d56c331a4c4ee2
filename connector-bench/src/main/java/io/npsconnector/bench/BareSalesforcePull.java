package io.npsconnector.bench;

import java.util.List;

import com.sforce.soap.partner.PartnerConnection;
import com.sforce.soap.partner.QueryResult;
import com.sforce.ws.ConnectionException;
import com.sforce.ws.ConnectorConfig;
import com.sforce.ws.bind.XmlObject;

/**
 * The reference for a Salesforce first read: plain WSC, the SOQL statements the connector's own first sync sent
 * (as the sandbox recorded them), each through {@code query} ({@code queryAll} for contacts, as the adapter) and
 * {@code queryMore} to its end, in pages of the adapter's size. Every record's fields are walked, then dropped.
 */
final class BareSalesforcePull {
  /** What the pull read. */
  record Result(int records, int calls) {}

  private final String soapEndpoint;
  private final String sessionId;
  private final int pageSize;

  BareSalesforcePull(String soapEndpoint, String sessionId, int pageSize) {
    this.soapEndpoint = soapEndpoint;
    this.sessionId = sessionId;
    this.pageSize = pageSize;
  }

  Result pull(List<String> statements) throws ConnectionException {
    ConnectorConfig config = new ConnectorConfig();
    config.setManualLogin(true);
    config.setSessionId(sessionId);
    config.setServiceEndpoint(soapEndpoint);
    config.setAuthEndpoint(soapEndpoint);
    config.setCompression(true);
    PartnerConnection partner = new PartnerConnection(config);
    partner.setSessionHeader(sessionId);
    partner.setQueryOptions(pageSize);
    int records = 0;
    int calls = 0;
    for (String soql : statements) {
      boolean all = soql.contains(" FROM Contact ");
      QueryResult page = all ? partner.queryAll(soql) : partner.query(soql);
      calls++;
      while (true) {
        for (XmlObject record : page.getRecords()) {
          walk(record);
          records++;
        }
        if (page.isDone() || page.getQueryLocator() == null) {
          break;
        }
        page = partner.queryMore(page.getQueryLocator());
        calls++;
      }
    }
    return new Result(records, calls);
  }

  /** Reads every field's value, as any consumer of the records would. */
  private static int walk(XmlObject record) {
    int values = 0;
    var children = record.getChildren();
    while (children.hasNext()) {
      XmlObject child = children.next();
      if (child.getValue() != null) {
        values += child.getValue().toString().length() > 0 ? 1 : 0;
      }
      if (child.hasChildren()) {
        values += walk(child);
      }
    }
    return values;
  }
}
