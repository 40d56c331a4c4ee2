import { LightningElement, api, wire } from 'lwc';
import getContactSummary from '@salesforce/apex/NpsRecordController.getContactSummary';
import getAccountSummary from '@salesforce/apex/NpsRecordController.getAccountSummary';

/** Below this many answers an NPS is shown but not fit for comparing (as the connector's reports say). */
export const MIN_N_FOR_COMPARISON = 30;
const TREND_WIDTH = 200;
const TREND_HEIGHT = 40;
const CATEGORY_CLASSES = {
    Promoter: 'slds-badge slds-theme_success',
    Passive: 'slds-badge slds-theme_warning',
    Detractor: 'slds-badge slds-theme_error'
};

/** Signed points, one decimal at most: +25, -3.5, 0. */
export function formatPoints(value) {
    if (value === null || value === undefined) {
        return '';
    }
    const rounded = Math.round(Number(value) * 10) / 10;
    return (rounded > 0 ? '+' : rounded < 0 ? '\u2212' : '') + Math.abs(rounded);
}

/**
 * Polyline points (oldest answer on the left) for scores 0-10 drawn in a width x height box; a single
 * answer is drawn as a flat line.
 */
export function trendPoints(history, width = TREND_WIDTH, height = TREND_HEIGHT) {
    const scores = history.map((row) => row.score).reverse();
    if (scores.length === 0) {
        return '';
    }
    const xs = scores.length === 1 ? [0, width] : scores.map((_, i) => (i * width) / (scores.length - 1));
    const values = scores.length === 1 ? [scores[0], scores[0]] : scores;
    return values.map((score, i) => `${round(xs[i])},${round(height - (score / 10) * height)}`).join(' ');
}

function round(value) {
    return Math.round(value * 10) / 10;
}

export default class NpsRecordCard extends LightningElement {
    @api recordId;
    @api objectApiName;
    @api windowDays = 365;

    summary;
    error;
    loaded = false;

    get contactId() {
        return this.objectApiName === 'Contact' ? this.recordId : undefined;
    }

    get accountId() {
        return this.objectApiName === 'Account' ? this.recordId : undefined;
    }

    @wire(getContactSummary, { contactId: '$contactId' })
    contactSummary(result) {
        this.receive(result);
    }

    @wire(getAccountSummary, { accountId: '$accountId', windowDays: '$windowDays' })
    accountSummary(result) {
        this.receive(result);
    }

    receive({ data, error }) {
        if (data) {
            this.summary = data;
            this.error = undefined;
            this.loaded = true;
        } else if (error) {
            this.summary = undefined;
            this.error = error;
            this.loaded = true;
        }
    }

    get loading() {
        return !this.loaded;
    }

    get failed() {
        return Boolean(this.error);
    }

    get errorMessage() {
        const body = this.error && this.error.body;
        if (Array.isArray(body)) {
            return body.map((item) => item.message).join(', ');
        }
        return (body && body.message) || (this.error && this.error.message) || 'Unknown error';
    }

    get noAccess() {
        return Boolean(this.summary) && !this.summary.accessible;
    }

    get history() {
        const rows = (this.summary && this.summary.accessible && this.summary.history) || [];
        return rows.map((row) => ({
            ...row,
            categoryClass: CATEGORY_CLASSES[row.category] || 'slds-badge',
            hasComment: Boolean(row.comment)
        }));
    }

    get hasAnswers() {
        return this.history.length > 0;
    }

    get noAnswers() {
        return Boolean(this.summary) && this.summary.accessible && !this.hasAnswers;
    }

    get latest() {
        return this.hasAnswers ? this.history[0] : undefined;
    }

    get hasTrend() {
        return this.history.length > 1;
    }

    get trend() {
        return trendPoints(this.history);
    }

    get trendLabel() {
        const scores = this.history.map((row) => row.score).reverse();
        return `Scores from oldest to newest: ${scores.join(', ')}`;
    }

    get rollup() {
        return this.summary && this.summary.accessible ? this.summary.rollup : undefined;
    }

    get hasRollup() {
        return Boolean(this.rollup);
    }

    get rollupHasScore() {
        return this.hasRollup && this.rollup.n > 0;
    }

    get rollupScore() {
        return formatPoints(this.rollup.nps);
    }

    get rollupInterval() {
        return `95 % interval ${formatPoints(this.rollup.low)} to ${formatPoints(this.rollup.high)}`;
    }

    get rollupCount() {
        return `n = ${this.rollup.n} in the last ${this.rollup.windowDays} days`;
    }

    get rollupTooSmall() {
        return this.rollupHasScore && this.rollup.n < MIN_N_FOR_COMPARISON;
    }
}
