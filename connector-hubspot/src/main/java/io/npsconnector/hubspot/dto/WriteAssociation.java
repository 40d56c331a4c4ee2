package io.npsconnector.hubspot.dto;

import java.util.List;

/** An association made while creating a record: {@code {to: {id}, types: [{associationCategory, associationTypeId}]}}. */
public record WriteAssociation(Target to, List<Type> types) {
  public WriteAssociation {
    types = List.copyOf(types);
  }

  /** An association of one of HubSpot's default types, such as 204 (task to contact). */
  public static WriteAssociation hubSpotDefined(String toId, int associationTypeId) {
    return new WriteAssociation(new Target(toId), List.of(new Type("HUBSPOT_DEFINED", associationTypeId)));
  }

  /** The record associated to. */
  public record Target(String id) {}

  /** An association type. */
  public record Type(String associationCategory, int associationTypeId) {}
}
