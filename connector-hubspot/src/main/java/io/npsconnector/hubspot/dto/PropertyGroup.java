package io.npsconnector.hubspot.dto;

/** A property group to create ({@code POST /crm/v3/properties/{objectType}/groups}). */
public record PropertyGroup(String name, String label) {}
