import { createElement } from 'lwc';
import NpsRecordCard, { formatPoints, trendPoints } from 'c/npsRecordCard';
import getContactSummary from '@salesforce/apex/NpsRecordController.getContactSummary';
import getAccountSummary from '@salesforce/apex/NpsRecordController.getAccountSummary';

// Apex wire adapters that the tests drive: emit() delivers data, error() a failed call
jest.mock('@salesforce/apex/NpsRecordController.getContactSummary', () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
}, { virtual: true });
jest.mock('@salesforce/apex/NpsRecordController.getAccountSummary', () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
}, { virtual: true });

const HISTORY = [
    { id: 'a01000000000003', score: 6, category: 'Detractor', comment: 'Slow delivery', triggerName: 'post-purchase',
        channel: 'email', answeredAt: '2026-11-30T10:00:00.000Z' },
    { id: 'a01000000000002', score: 8, category: 'Passive', comment: null, triggerName: 'post-ticket',
        channel: 'email', answeredAt: '2026-10-02T10:00:00.000Z' },
    { id: 'a01000000000001', score: 10, category: 'Promoter', comment: 'Great', triggerName: 'post-purchase',
        channel: 'webhook', answeredAt: '2026-06-01T10:00:00.000Z' }
];

function mount(objectApiName) {
    const element = createElement('c-nps-record-card', { is: NpsRecordCard });
    element.recordId = objectApiName === 'Contact' ? '003000000000001' : '001000000000001';
    element.objectApiName = objectApiName;
    document.body.appendChild(element);
    return element;
}

const flush = () => Promise.resolve();
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
});

describe('c-nps-record-card on a contact', () => {
    it('shows a spinner until the summary arrives', () => {
        const element = mount('Contact');
        expect($(element, 'lightning-spinner')).not.toBeNull();
        expect($(element, '.nps-latest')).toBeNull();
    });

    it('asks for the contact summary with the record id', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0] });
        await flush();
        expect(getContactSummary.getLastConfig()).toEqual({ contactId: '003000000000001' });
        expect($(element, 'lightning-spinner')).toBeNull();
    });

    it('shows the latest score, category, date and comment', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0] });
        await flush();
        expect($(element, '.nps-latest-score').textContent).toBe('6');
        expect($(element, '.nps-latest-category').textContent).toBe('Detractor');
        expect($(element, '.nps-latest-category').parentElement.className).toContain('slds-theme_error');
        expect($(element, '.nps-latest-date').value).toBe('2026-11-30T10:00:00.000Z');
        expect($(element, '.nps-latest-comment').textContent).toBe('Slow delivery');
    });

    it('lists the history newest first with date, score, trigger and comment', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0] });
        await flush();
        const rows = $$(element, 'tr.nps-row');
        expect(rows).toHaveLength(3);
        expect(rows.map((row) => row.querySelector('.nps-row-score').textContent)).toEqual(['6', '8', '10']);
        expect(rows[1].querySelector('.nps-row-trigger').textContent).toBe('post-ticket');
        expect(rows[2].querySelector('.nps-row-comment').textContent).toBe('Great');
        expect(rows[0].querySelector('lightning-formatted-date-time').value).toBe('2026-11-30T10:00:00.000Z');
    });

    it('draws the trend oldest to newest', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0] });
        await flush();
        const trend = $(element, 'svg.nps-trend');
        expect(trend.getAttribute('aria-label')).toBe('Scores from oldest to newest: 10, 8, 6');
        expect(trend.querySelector('polyline').getAttribute('points')).toBe('0,0 100,8 200,16');
    });

    it('has no roll-up on a contact', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0] });
        await flush();
        expect($(element, '.nps-rollup')).toBeNull();
    });

    it('says so when the contact never answered', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: [] });
        await flush();
        expect($(element, '.nps-empty').textContent).toBe('No NPS answers yet.');
        expect($(element, '.nps-history')).toBeNull();
        expect($(element, 'svg.nps-trend')).toBeNull();
    });

    it('draws no trend for a single answer', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: true, history: [HISTORY[2]], latest: HISTORY[2] });
        await flush();
        expect($(element, 'svg.nps-trend')).toBeNull();
        expect($$(element, 'tr.nps-row')).toHaveLength(1);
        expect($(element, '.nps-latest-comment').textContent).toBe('Great');
    });

    it('tells a user without access which permission set to ask for', async () => {
        const element = mount('Contact');
        getContactSummary.emit({ accessible: false, history: [] });
        await flush();
        expect($(element, '.nps-no-access').textContent).toContain('NPS Viewer permission set');
        expect($(element, '.nps-latest')).toBeNull();
        expect($(element, '.nps-empty')).toBeNull();
    });

    it('shows the error of a failed call instead of the card body', async () => {
        const element = mount('Contact');
        getContactSummary.error({ message: 'Insufficient privileges' });
        await flush();
        expect($(element, '.nps-error').textContent).toContain('Insufficient privileges');
        expect($(element, 'lightning-spinner')).toBeNull();
    });

    it('gives the account method no id on a contact (an Apex wire with an undefined parameter is not called)', async () => {
        mount('Contact');
        await flush();
        expect(getAccountSummary.getLastConfig().accountId).toBeUndefined();
    });
});

describe('c-nps-record-card on an account', () => {
    const ROLLUP = { n: 4, promoters: 2, passives: 1, detractors: 1, windowDays: 365, nps: 25, low: -44.2, high: 72.7 };

    it('asks for the account summary with the record id and the window', async () => {
        const element = mount('Account');
        element.windowDays = 90;
        getAccountSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0], rollup: { ...ROLLUP, windowDays: 90 } });
        await flush();
        expect(getAccountSummary.getLastConfig()).toEqual({ accountId: '001000000000001', windowDays: 90 });
        expect($(element, '.nps-rollup-count').textContent).toBe('n = 4 in the last 90 days');
    });

    it('shows the rolled-up NPS with n and its interval', async () => {
        const element = mount('Account');
        getAccountSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0], rollup: ROLLUP });
        await flush();
        expect($(element, '.nps-rollup-score').textContent).toBe('+25');
        expect($(element, '.nps-rollup-interval').textContent).toBe('95 % interval \u221244.2 to +72.7');
        expect($(element, '.nps-rollup-count').textContent).toBe('n = 4 in the last 365 days');
        expect($(element, '.nps-rollup-small')).not.toBeNull();
        expect($$(element, 'tr.nps-row')).toHaveLength(3);
    });

    it('drops the small-sample warning from 30 answers on', async () => {
        const element = mount('Account');
        getAccountSummary.emit({ accessible: true, history: HISTORY, latest: HISTORY[0],
            rollup: { n: 30, promoters: 15, passives: 10, detractors: 5, windowDays: 365, nps: 33.3, low: 12.1, high: 52.4 } });
        await flush();
        expect($(element, '.nps-rollup-score').textContent).toBe('+33.3');
        expect($(element, '.nps-rollup-small')).toBeNull();
    });

    it('says the account has no answers in the window', async () => {
        const element = mount('Account');
        getAccountSummary.emit({ accessible: true, history: [], rollup: { n: 0, promoters: 0, passives: 0, detractors: 0,
            windowDays: 365, nps: null, low: null, high: null } });
        await flush();
        expect($(element, '.nps-rollup-empty').textContent).toBe("No answers from this account's contacts in the last 365 days.");
        expect($(element, '.nps-rollup-score')).toBeNull();
        expect($(element, '.nps-empty')).not.toBeNull();
    });
});

describe('helpers', () => {
    it('formats points with their sign', () => {
        expect(formatPoints(25)).toBe('+25');
        expect(formatPoints(-3.46)).toBe('\u22123.5');
        expect(formatPoints(0)).toBe('0');
        expect(formatPoints(null)).toBe('');
    });

    it('scales scores 0-10 to the height of the trend', () => {
        expect(trendPoints([{ score: 0 }, { score: 10 }], 100, 20)).toBe('0,0 100,20');
        expect(trendPoints([{ score: 5 }], 100, 20)).toBe('0,10 100,10');
        expect(trendPoints([], 100, 20)).toBe('');
    });
});
