// EventBridge envelopes for the ingestion scenarios, built on the real Genesys sample
// (test/events/fixtures/): each new event gets a unique conversation and envelope id; a
// duplicate re-sends an earlier event either as an EventBridge retry (same envelope id) or as
// a re-publish (new envelope id, same detail-type + detail), both of which the service must dedupe.
import { randomBytes } from 'node:crypto';

const TEMPLATE = {
  version: '0',
  'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
  source: 'aws.partner/genesys.com.test/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d/test-event-bus',
  account: '123456789012',
  region: 'us-east-1',
  resources: [] as string[],
};

const RECENT = 2048;

export class EventGenerator {
  private seq = 0;
  private readonly tag = randomBytes(4).toString('hex');
  private readonly recent: { id: string; n: number }[] = [];

  constructor(private readonly duplicateRatio = 0) {}

  /** One envelope: a new event, or with probability duplicateRatio an earlier one again. */
  next(): Record<string, unknown> {
    if (this.recent.length > 0 && Math.random() < this.duplicateRatio) {
      const prev = this.recent[Math.floor(Math.random() * this.recent.length)]!;
      const republish = Math.random() < 0.5;
      return this.envelope(prev.n, republish ? `${this.tag}-r${++this.seq}` : prev.id);
    }
    const n = ++this.seq;
    const id = `${this.tag}-${n}`;
    if (this.recent.length < RECENT) this.recent.push({ id, n });
    else this.recent[n % RECENT] = { id, n };
    return this.envelope(n, id);
  }

  /** A distinct event for every call, never a duplicate. */
  fresh(): Record<string, unknown> {
    const n = ++this.seq;
    return this.envelope(n, `${this.tag}-${n}`);
  }

  private envelope(n: number, id: string): Record<string, unknown> {
    const conversationId = `${this.tag}-conv-${n}`;
    const eventTime = 1_649_237_444_949 + n;
    return {
      ...TEMPLATE,
      id,
      time: new Date(eventTime - (eventTime % 1000)).toISOString().replace('.000', ''),
      detail: {
        topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
        version: '2',
        eventBody: {
          eventTime,
          conversationId,
          participantId: `${this.tag}-part-${n}`,
          sessionId: `${this.tag}-sess-${n}`,
          mediaType: 'CHAT',
          provider: 'PureCloud Webchat v2',
          direction: 'INBOUND',
          externalContactId: 'uwu',
          externalOrganizationId: 'America',
          conversationExternalContactIds: ['idk'],
        },
        metadata: { CorrelationId: `${this.tag}-corr-${n}` },
        timestamp: new Date(eventTime).toISOString(),
      },
    };
  }
}

/** Tallies the service's 200 answers: which envelope ids it acknowledged as stored. */
export class AckTracker {
  readonly acceptedIds = new Set<string>();
  accepted = 0;
  duplicates = 0;
  unparsable = 0;

  onResponse = (status: number, body: string): void => {
    if (status !== 200) return;
    try {
      const r = JSON.parse(body) as { results?: { id: string; status: string }[] };
      for (const x of r.results ?? []) {
        if (x.status === 'accepted') {
          this.accepted++;
          this.acceptedIds.add(x.id);
        } else this.duplicates++;
      }
    } catch {
      this.unparsable++;
    }
  };
}
