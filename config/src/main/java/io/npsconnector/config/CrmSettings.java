package io.npsconnector.config;

/**
 * The settings of one connection that only its {@link ConnectionType} understands (a HubSpot connection's
 * rate limit, a Salesforce connection's API version). The configuration module carries them unread; the
 * type's adapter takes them back with {@link ConnectionConfig#settings(Class)}.
 *
 * @since 0.1
 */
public interface CrmSettings {}
