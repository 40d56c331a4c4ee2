/** Pure helpers of the NPS card: no HubSpot API, so they are tested directly. */

export const CONTACT_TYPE = '0-1';
export const COMPANY_TYPE = '0-2';

/** The HubSpot properties npsconnector writes (writeback.contact-fields.hubspot, account-fields.hubspot). */
export const CONTACT_PROPERTIES = ['nps_score', 'nps_category', 'nps_last_response_date', 'nps_last_comment'];
export const COMPANY_PROPERTIES = ['nps_account_score', 'nps_response_count'];

/** How many answers a page of the history shows. */
export const PAGE_SIZE = 10;

/** The read API's URL for this record: contacts and companies (the connector's accounts). */
export function historyUrl(serviceUrl, connection, objectTypeId, objectId) {
  const kind = objectTypeId === COMPANY_TYPE ? 'accounts' : 'contacts';
  return `${serviceUrl.replace(/\/+$/, '')}/api/v1/connections/${encodeURIComponent(connection)}/${kind}/`
    + `${encodeURIComponent(String(objectId))}/nps?size=${PAGE_SIZE}`;
}

/** Signed points, one decimal at most: +25, −3.5, 0; empty for no value. */
export function formatPoints(value) {
  if (value === null || value === undefined || value === '' || Number.isNaN(Number(value))) {
    return '';
  }
  const rounded = Math.round(Number(value) * 10) / 10;
  return (rounded > 0 ? '+' : rounded < 0 ? '\u2212' : '') + Math.abs(rounded);
}

/** Tag colours of the categories. */
export function categoryVariant(category) {
  switch (String(category || '').toLowerCase()) {
    case 'promoter':
      return 'success';
    case 'passive':
      return 'warning';
    case 'detractor':
      return 'error';
    default:
      return 'default';
  }
}

/** promoter → Promoter. */
export function categoryLabel(category) {
  const text = String(category || '');
  return text ? text.charAt(0).toUpperCase() + text.slice(1).toLowerCase() : '';
}

/** A day as the rep reads it, in UTC so every rep sees the same day for an answer. */
export function formatDay(value) {
  if (!value) {
    return '';
  }
  const date = new Date(/^\d+$/.test(String(value)) ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** "n = 4, 95 % interval −44.2 to +72.7" */
export function rollupText(rollup) {
  if (!rollup || !rollup.n) {
    return 'no answers yet';
  }
  const interval = rollup.ci95
    ? `, 95 % interval ${formatPoints(rollup.ci95.low)} to ${formatPoints(rollup.ci95.high)}` : '';
  return `n = ${rollup.n}${interval}`;
}

/** Why a failed call failed, for the rep: the service's own message when it sent one. */
export async function failure(response) {
  try {
    const body = await response.json();
    if (body && body.error) {
      return `${body.error} (HTTP ${response.status})`;
    }
  } catch (ignored) {
    // not JSON: the status says enough
  }
  return `HTTP ${response.status}`;
}
