import React, { useEffect, useState } from 'react';
import {
  Alert,
  Divider,
  EmptyState,
  Flex,
  Heading,
  LoadingSpinner,
  Statistics,
  StatisticsItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
  hubspot,
} from '@hubspot/ui-extensions';
import { useCrmProperties } from '@hubspot/ui-extensions/crm';
import {
  COMPANY_PROPERTIES,
  COMPANY_TYPE,
  CONTACT_PROPERTIES,
  categoryLabel,
  categoryVariant,
  failure,
  formatDay,
  formatPoints,
  historyUrl,
  rollupText,
} from './nps.js';
import { CONNECTION, SERVICE_URL } from './service.js';

hubspot.extend(({ context }) => <NpsCard context={context} fetcher={hubspot.fetch} />);

/**
 * The NPS card of a contact or company: the latest answer from the record's properties, the history
 * (and on companies the roll-up with n and its interval) from the npsconnector read API through
 * hubspot.fetch, which HubSpot signs for the service to verify.
 */
export function NpsCard({ context, fetcher, serviceUrl = SERVICE_URL, connection = CONNECTION }) {
  const company = context.crm.objectTypeId === COMPANY_TYPE;
  const { properties, isLoading: propertiesLoading } = useCrmProperties(
    company ? COMPANY_PROPERTIES : CONTACT_PROPERTIES);
  const [remote, setRemote] = useState({ loading: true, body: null, error: null });

  useEffect(() => {
    let current = true;
    setRemote({ loading: true, body: null, error: null });
    fetcher(historyUrl(serviceUrl, connection, context.crm.objectTypeId, context.crm.objectId),
      { method: 'GET', timeout: 10000 })
      .then(async (response) => {
        if (!response.ok) {
          throw new Error(await failure(response));
        }
        return response.json();
      })
      .then((body) => current && setRemote({ loading: false, body, error: null }))
      .catch((error) => current && setRemote({ loading: false, body: null, error: error.message }));
    return () => {
      current = false;
    };
  }, [context.crm.objectTypeId, context.crm.objectId, fetcher, serviceUrl, connection]);

  if (propertiesLoading && remote.loading) {
    return <LoadingSpinner label="Loading NPS" />;
  }
  const history = remote.body ? remote.body.history : [];
  return (
    <Flex direction="column" gap="sm">
      {company ? <CompanyScore properties={properties} remote={remote} />
        : <LatestAnswer properties={properties} latest={remote.body && remote.body.latest} />}
      <Divider />
      <Heading>History</Heading>
      {remote.loading && <LoadingSpinner label="Loading the NPS history" />}
      {remote.error && (
        <Alert title="The NPS history could not be loaded" variant="warning">{remote.error}</Alert>
      )}
      {remote.body && history.length === 0 && (
        <EmptyState title="No NPS answers yet" layout="vertical" reverseOrder>
          <Text>Answers appear here once {company ? "the company's contacts answer" : 'this contact answers'} a survey.</Text>
        </EmptyState>
      )}
      {history.length > 0 && <History rows={history} company={company} total={remote.body.paging.total} />}
    </Flex>
  );
}

function LatestAnswer({ properties, latest }) {
  const score = properties.nps_score || (latest ? String(latest.score) : '');
  if (!score) {
    return <Text testId="no-score">This contact has not answered an NPS survey yet.</Text>;
  }
  const category = properties.nps_category || (latest ? latest.category : '');
  const day = formatDay(properties.nps_last_response_date || (latest ? latest.answeredAt : ''));
  const comment = properties.nps_last_comment || (latest ? latest.comment : '');
  return (
    <Flex direction="column" gap="xs">
      <Flex direction="row" gap="sm" align="center">
        <Heading testId="latest-score">{score}</Heading>
        <Tag testId="latest-category" variant={categoryVariant(category)}>{categoryLabel(category)}</Tag>
        <Text testId="latest-date" variant="microcopy">{day}</Text>
      </Flex>
      {comment && <Text testId="latest-comment" format={{ italic: true }}>{comment}</Text>}
    </Flex>
  );
}

function CompanyScore({ properties, remote }) {
  const rollup = remote.body && remote.body.rollup;
  const score = rollup && rollup.n ? formatPoints(rollup.nps) : formatPoints(properties.nps_account_score);
  const count = rollup ? rollup.n : properties.nps_response_count;
  if (!score) {
    return <Text testId="no-score">No NPS answers from this company's contacts yet.</Text>;
  }
  return (
    <Flex direction="column" gap="xs">
      <Statistics>
        <StatisticsItem testId="company-nps" label="Company NPS" number={score}>
          <Text testId="company-detail">{rollup ? rollupText(rollup) : `n = ${count}`}</Text>
        </StatisticsItem>
      </Statistics>
      {rollup && rollup.tooSmallToCompare && rollup.n > 0 && (
        <Text testId="small-sample" variant="microcopy">Fewer than 30 answers: the interval is wide, compare with care.</Text>
      )}
    </Flex>
  );
}

function History({ rows, company, total }) {
  return (
    <Flex direction="column" gap="xs">
      <Table bordered={true} testId="history">
        <TableHead>
          <TableRow>
            <TableHeader>Date</TableHeader>
            <TableHeader>Score</TableHeader>
            {company && <TableHeader>Contact</TableHeader>}
            <TableHeader>Trigger</TableHeader>
            <TableHeader>Comment</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={`${row.answeredAt}-${row.contact}`}>
              <TableCell>{formatDay(row.answeredAt)}</TableCell>
              <TableCell>
                <Tag variant={categoryVariant(row.category)}>{String(row.score)}</Tag>
              </TableCell>
              {company && <TableCell>{row.contact}</TableCell>}
              <TableCell>{row.trigger}</TableCell>
              <TableCell>{row.comment || ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {total > rows.length && (
        <Text testId="more" variant="microcopy">Latest {rows.length} of {total} answers.</Text>
      )}
    </Flex>
  );
}
