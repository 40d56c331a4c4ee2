import { describe, expect, it } from 'vitest';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { Alert, EmptyState, Heading, LoadingSpinner, StatisticsItem, Table, TableCell, TableHeader, TableRow, Tag,
  Text } from '@hubspot/ui-extensions';
import { NpsCard } from './NpsCard.jsx';
import { categoryVariant, formatDay, formatPoints, historyUrl, rollupText } from './nps.js';

const CONTACT = { crm: { objectTypeId: '0-1', objectId: 101 } };
const COMPANY = { crm: { objectTypeId: '0-2', objectId: 501 } };

const HISTORY = [
  { contact: '101', score: 6, category: 'detractor', comment: 'Slow delivery', trigger: 'post-purchase',
    channel: 'email', answeredAt: '2026-11-29T12:00:00Z' },
  { contact: '101', score: 8, category: 'passive', comment: null, trigger: 'post-ticket', channel: 'email',
    answeredAt: '2026-11-11T12:00:00Z' },
  { contact: '102', score: 10, category: 'promoter', comment: 'Great', trigger: 'post-purchase', channel: 'email',
    answeredAt: '2026-11-01T12:00:00Z' },
];

function body(overrides = {}) {
  return {
    connection: 'hubspot', latest: HISTORY[0], history: HISTORY,
    rollup: { n: 3, promoters: 1, passives: 1, detractors: 1, nps: 0, ci95: { low: -61.1, high: 61.1 },
      tooSmallToCompare: true, since: null },
    paging: { page: 0, size: 10, total: 3, next: null },
    ...overrides,
  };
}

/** A stand-in for hubspot.fetch that records the URLs and answers with one response. */
function fetcher(status, payload) {
  const calls = [];
  const fetch = (url, options) => {
    calls.push({ url, options });
    return Promise.resolve({ ok: status >= 200 && status < 300, status, json: () => Promise.resolve(payload) });
  };
  fetch.calls = calls;
  return fetch;
}

function properties(renderer, values) {
  renderer.mocks.useCrmProperties.willCall(() => ({ properties: values, error: null, isLoading: false }));
}

/** The texts of a table row's cells; a cell holding a tag shows the tag's text. */
const cells = (row) => row.findAll(TableCell).map((cell) => cell.maybeFind(Tag)?.text ?? cell.text ?? '');

describe('NPS card on a contact', () => {
  it('asks the read API for the contact of this record, signed by hubspot.fetch', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: '6', nps_category: 'Detractor', nps_last_response_date: '2026-11-29',
      nps_last_comment: 'Slow delivery' });
    const fetch = fetcher(200, body());
    renderer.render(<NpsCard context={CONTACT} fetcher={fetch} serviceUrl="https://nps.example.com" connection="hubspot" />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Table)).not.toBeNull());
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0].url).toBe('https://nps.example.com/api/v1/connections/hubspot/contacts/101/nps?size=10');
    expect(fetch.calls[0].options.method).toBe('GET');
  });

  it('shows the latest score, category, date and comment from the record', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: '6', nps_category: 'Detractor', nps_last_response_date: '2026-11-29',
      nps_last_comment: 'Slow delivery' });
    renderer.render(<NpsCard context={CONTACT} fetcher={fetcher(200, body())} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Table)).not.toBeNull());
    expect(renderer.findByTestId(Heading, 'latest-score').text).toBe('6');
    const tag = renderer.findByTestId(Tag, 'latest-category');
    expect(tag.text).toBe('Detractor');
    expect(tag.props.variant).toBe('error');
    expect(renderer.findByTestId(Text, 'latest-date').text).toBe('2026-11-29');
    expect(renderer.findByTestId(Text, 'latest-comment').text).toBe('Slow delivery');
  });

  it('lists the history newest first with date, score, trigger and comment', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: '6', nps_category: 'Detractor' });
    renderer.render(<NpsCard context={CONTACT} fetcher={fetcher(200, body())} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Table)).not.toBeNull());
    const rows = renderer.find(Table).findAll(TableRow);
    expect(rows).toHaveLength(4); // the header and three answers
    expect(rows[0].findAll(TableHeader).map((header) => header.text)).toEqual(['Date', 'Score', 'Trigger',
      'Comment']);
    expect(cells(rows[1])).toEqual(['2026-11-29', '6', 'post-purchase', 'Slow delivery']);
    expect(cells(rows[2])[2]).toBe('post-ticket');
    expect(cells(rows[3])).toEqual(['2026-11-01', '10', 'post-purchase', 'Great']);
    expect(rows[1].find(Tag).props.variant).toBe('error');
    expect(rows[3].find(Tag).props.variant).toBe('success');
  });

  it('falls back to the service when the record has no NPS properties yet', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: null, nps_category: null });
    renderer.render(<NpsCard context={CONTACT} fetcher={fetcher(200, body())} />);
    await renderer.waitFor(() => expect(renderer.maybeFindByTestId(Heading, 'latest-score')).not.toBeNull());
    expect(renderer.findByTestId(Heading, 'latest-score').text).toBe('6');
    expect(renderer.findByTestId(Tag, 'latest-category').text).toBe('Detractor');
  });

  it('says so when the contact never answered', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: null });
    renderer.render(<NpsCard context={CONTACT} fetcher={fetcher(200, body({ latest: null, history: [],
      rollup: { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, ci95: null, tooSmallToCompare: true,
        since: null }, paging: { page: 0, size: 10, total: 0, next: null } }))} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(EmptyState)).not.toBeNull());
    expect(renderer.find(EmptyState).props.title).toBe('No NPS answers yet');
    expect(renderer.findByTestId(Text, 'no-score').text).toContain('has not answered');
    expect(renderer.maybeFind(Table)).toBeNull();
  });

  it('keeps the record properties and explains when the service refuses', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: '9', nps_category: 'Promoter' });
    renderer.render(<NpsCard context={CONTACT} fetcher={fetcher(401, {
      error: 'header X-HubSpot-Signature-v3 does not match the request' })} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Alert)).not.toBeNull());
    expect(renderer.find(Alert).text).toContain('does not match the request (HTTP 401)');
    expect(renderer.findByTestId(Heading, 'latest-score').text).toBe('9');
    expect(renderer.maybeFind(Table)).toBeNull();
  });

  it('explains a network failure', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_score: '9', nps_category: 'Promoter' });
    renderer.render(<NpsCard context={CONTACT} fetcher={() => Promise.reject(new Error('timed out'))} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Alert)).not.toBeNull());
    expect(renderer.find(Alert).text).toContain('timed out');
  });

  it('shows a spinner while nothing has arrived', () => {
    const renderer = createRenderer('crm.record.sidebar');
    renderer.mocks.useCrmProperties.willCall(() => ({ properties: {}, error: null, isLoading: true }));
    renderer.render(<NpsCard context={CONTACT} fetcher={() => new Promise(() => {})} />);
    expect(renderer.maybeFind(LoadingSpinner)).not.toBeNull();
    expect(renderer.maybeFind(Table)).toBeNull();
  });
});

describe('NPS card on a company', () => {
  it('asks for the account and shows the roll-up with n and its interval', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_account_score: '25', nps_response_count: '4' });
    const fetch = fetcher(200, body({ rollup: { n: 4, promoters: 2, passives: 1, detractors: 1, nps: 25,
      ci95: { low: -44.2, high: 72.7 }, tooSmallToCompare: true, since: '2025-12-01T12:00:00Z' } }));
    renderer.render(<NpsCard context={COMPANY} fetcher={fetch} serviceUrl="https://nps.example.com/" connection="east" />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Table)).not.toBeNull());
    expect(fetch.calls[0].url).toBe('https://nps.example.com/api/v1/connections/east/accounts/501/nps?size=10');
    const nps = renderer.findByTestId(StatisticsItem, 'company-nps');
    expect(nps.props.number).toBe('+25');
    expect(renderer.findByTestId(Text, 'company-detail').text).toBe('n = 4, 95 % interval \u221244.2 to +72.7');
    expect(renderer.maybeFindByTestId(Text, 'small-sample')).not.toBeNull();
    const rows = renderer.find(Table).findAll(TableRow);
    expect(rows[0].findAll(TableHeader).map((header) => header.text)).toContain('Contact');
    expect(cells(rows[3])).toEqual(['2026-11-01', '10', '102', 'post-purchase', 'Great']);
  });

  it('shows the written score and count when the service cannot be reached', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, { nps_account_score: '-12.5', nps_response_count: '40' });
    renderer.render(<NpsCard context={COMPANY} fetcher={fetcher(503, null)} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Alert)).not.toBeNull());
    expect(renderer.findByTestId(StatisticsItem, 'company-nps').props.number).toBe('\u221212.5');
    expect(renderer.findByTestId(Text, 'company-detail').text).toBe('n = 40');
    expect(renderer.find(Alert).text).toContain('HTTP 503');
  });

  it('tells how many answers the history leaves out', async () => {
    const renderer = createRenderer('crm.record.sidebar');
    properties(renderer, {});
    renderer.render(<NpsCard context={COMPANY} fetcher={fetcher(200, body({ rollup: { n: 35, promoters: 20,
      passives: 10, detractors: 5, nps: 42.9, ci95: { low: 20.1, high: 60.3 }, tooSmallToCompare: false,
      since: null }, paging: { page: 0, size: 10, total: 35, next: '/api/v1/x?page=1&size=10' } }))} />);
    await renderer.waitFor(() => expect(renderer.maybeFind(Table)).not.toBeNull());
    expect(renderer.findByTestId(Text, 'more').text).toBe('Latest 3 of 35 answers.');
    expect(renderer.maybeFindByTestId(Text, 'small-sample')).toBeNull();
    expect(renderer.findByTestId(StatisticsItem, 'company-nps').props.number).toBe('+42.9');
  });
});

describe('helpers', () => {
  it('builds the read API URL of contacts and companies', () => {
    expect(historyUrl('https://nps.example.com', 'hub spot', '0-1', 7)).toBe(
      'https://nps.example.com/api/v1/connections/hub%20spot/contacts/7/nps?size=10');
    expect(historyUrl('https://nps.example.com//', 'hubspot', '0-2', '8')).toBe(
      'https://nps.example.com/api/v1/connections/hubspot/accounts/8/nps?size=10');
  });

  it('formats points, days, categories and the roll-up', () => {
    expect(formatPoints(25)).toBe('+25');
    expect(formatPoints('-3.46')).toBe('\u22123.5');
    expect(formatPoints(0)).toBe('0');
    expect(formatPoints(null)).toBe('');
    expect(formatDay('2026-11-29T23:30:00Z')).toBe('2026-11-29');
    expect(formatDay('1764374400000')).toBe('2025-11-29');
    expect(formatDay('')).toBe('');
    expect(categoryVariant('Passive')).toBe('warning');
    expect(categoryVariant(undefined)).toBe('default');
    expect(rollupText({ n: 0 })).toBe('no answers yet');
    expect(rollupText({ n: 1, ci95: { low: -98.5, high: 48.5 } })).toBe('n = 1, 95 % interval \u221298.5 to +48.5');
  });
});
