import { describe, expect, it } from 'vitest';
import { countLine, listUnanswered } from './list-count.js';

const zendesk = (state: string) => ({ state, source: { name: 'Zendesk' } });

describe("a list's count line", () => {
  it('is the count while the system answers, also from the cache or a copy kept from before', () => {
    for (const state of ['LIVE', 'CACHED', 'STALE']) {
      expect(listUnanswered(zendesk(state))).toBe(false);
      expect(countLine(zendesk(state), 'urgent tickets', () => '0 urgent tickets open across customers.')).toBe(
        '0 urgent tickets open across customers.'
      );
    }
  });

  it('says nothing could be counted, naming the system, when it did not answer: its zeros mean "not known"', () => {
    expect(listUnanswered(zendesk('FAILED'))).toBe(true);
    expect(countLine(zendesk('FAILED'), 'urgent tickets', () => '0 urgent tickets open across customers.')).toBe(
      'Urgent tickets cannot be counted or listed while Zendesk is not answering.'
    );
  });
});
