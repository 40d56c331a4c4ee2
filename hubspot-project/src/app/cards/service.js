/**
 * Where the card finds the npsconnector service. Set SERVICE_URL to the service's server.public-url (it
 * must also be listed in permittedUrls.fetch of ../app-hsmeta.json) and CONNECTION to the name of this
 * HubSpot account's connection in the service's configuration. The service answers only requests HubSpot
 * signed with this app's client secret (the connection's webhook-secret).
 */
export const SERVICE_URL = 'https://nps.example.com';
export const CONNECTION = 'hubspot';
